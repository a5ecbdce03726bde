import type { OAuthClient } from '@portcullis/domain';

/**
 * A client as the OAuth endpoints use it: its metadata and the hash of its secret. Never send one
 * out as it is (the hash would go with it); `toPublicClient` drops it.
 */
export interface StoredClient extends OAuthClient {
  readonly secretHash: Buffer | null;
}

export function toPublicClient(client: StoredClient): OAuthClient {
  const { secretHash: _hash, ...shown } = client;
  return shown;
}
