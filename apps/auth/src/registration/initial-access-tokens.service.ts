import { Injectable } from '@nestjs/common';
import type { InitialAccessTokenReply, InitialAccessTokenRequest } from '@portcullis/contracts';
import { PortcullisError, type ErrorDetail } from '@portcullis/errors';
import { randomUUID } from 'node:crypto';
import { clientReferences } from '../references/named-references.js';
import { RegistryReferences } from '../references/registry-references.js';
import { hashToken, newToken } from './bearer-tokens.js';
import { InitialAccessTokenStore } from '../storage/registration-store.js';
import type { RegistrationGrant } from './registration-metadata.js';

const DEFAULT_EXPIRES_IN = 24 * 3600;
const MAX_EXPIRES_IN = 365 * 24 * 3600;
const MAX_USES = 10_000;
const identifier = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$/;

/**
 * RFC 7591 §3 initial access tokens: what an admin hands a developer so they may register clients
 * themselves. Each allows a number of registrations until it expires.
 */
@Injectable()
export class InitialAccessTokensService {
  constructor(
    private readonly store: InitialAccessTokenStore,
    private readonly references: RegistryReferences,
  ) {}

  async create(request: Partial<InitialAccessTokenRequest> | null | undefined): Promise<InitialAccessTokenReply> {
    const { expiresIn, uses, apiIds, policyIds } = validated(request ?? {});
    // The clients registered with it get these: they must exist now (RFC 7591 registration names none itself).
    await this.references.requireExisting(clientReferences({ api_ids: apiIds, policy_ids: policyIds }));
    const token = newToken();
    const expiresAt = new Date(Date.now() + expiresIn * 1000);
    await this.store.insert({
      id: randomUUID(),
      tokenHash: hashToken(token),
      expiresAt,
      usesLeft: uses,
      apiIds,
      policyIds,
      createdAt: new Date(),
    });
    return { token, expires_at: Math.floor(expiresAt.getTime() / 1000) };
  }

  /** What the token grants if it is live (known, unexpired, uses left); it is not used up by looking. */
  async peek(token: string): Promise<RegistrationGrant | null> {
    const record = await this.store.findLive(hashToken(token));
    return record ? { apiIds: record.apiIds, policyIds: record.policyIds } : null;
  }

  /** Takes one use, atomically: two registrations racing for the last use cannot both have it. */
  consume(token: string): Promise<boolean> {
    return this.store.consume(hashToken(token));
  }

  /** Gives back a use taken for a registration that then failed. */
  refund(token: string): Promise<void> {
    return this.store.refund(hashToken(token));
  }
}

function validated(request: Partial<InitialAccessTokenRequest>): { expiresIn: number; uses: number; apiIds: string[]; policyIds: string[] } {
  const problems: ErrorDetail[] = [];
  const { expires_in: expiresIn = DEFAULT_EXPIRES_IN, uses = 1, api_ids: apiIds = [], policy_ids: policyIds = [] } = request;
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES_IN)
    problems.push({ field: 'expires_in', message: `must be a whole number of seconds from 1 to ${MAX_EXPIRES_IN}` });
  if (!Number.isInteger(uses) || uses < 1 || uses > MAX_USES) problems.push({ field: 'uses', message: `must be a whole number from 1 to ${MAX_USES}` });
  for (const [field, ids] of [
    ['api_ids', apiIds],
    ['policy_ids', policyIds],
  ] as const) {
    if (!Array.isArray(ids) || ids.length > 256 || !ids.every((id) => typeof id === 'string' && identifier.test(id)))
      problems.push({ field, message: 'must be an array of identifiers' });
  }
  if (problems.length > 0) throw new PortcullisError('validation_failed', undefined, problems);
  return { expiresIn, uses, apiIds, policyIds };
}
