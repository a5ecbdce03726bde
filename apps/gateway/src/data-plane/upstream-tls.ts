import { createHash } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import { cipherSuiteNames, tlsVersionNames, type UpstreamTransport } from '@portcullis/domain';
import type { CertificatePair } from './upstream-certificates.js';
import { pinnedServerIdentity } from './upstream-pins.js';

/** The TLS settings of connections to an https upstream, as both undici's connector and node:https take them. */
export type UpstreamTlsOptions = Pick<
  ConnectionOptions,
  'rejectUnauthorized' | 'minVersion' | 'maxVersion' | 'ciphers' | 'ca' | 'cert' | 'key' | 'checkServerIdentity'
>;

/** An API's compiled upstream TLS: the options, and a key naming them (one pool per origin and options). */
export interface CompiledUpstreamTls {
  readonly options: UpstreamTlsOptions;
  /** A digest of the options: APIs with the same origin and the same options share a pool. */
  readonly id: string;
  readonly insecure: boolean;
}

/**
 * proxy.transport (validated at the registry) as connect options, once per API at load; null when
 * the target is plain http or nothing is set (Node's defaults: verify against the system CAs).
 * `clientCertificate`: the stored certificate upstream_certificates names for this target; the
 * transport's own ssl_client_certificate, when set, wins (it is written out in the definition).
 * `pins`: the public keys (SHA-256 hex) pinned_public_keys requires of this target's chain.
 */
export function compileUpstreamTls(
  target: URL,
  transport: UpstreamTransport | undefined,
  clientCertificate: CertificatePair | null = null,
  pins: ReadonlySet<string> | null = null,
): CompiledUpstreamTls | null {
  if (target.protocol !== 'https:' || (transport === undefined && clientCertificate === null && pins === null)) return null;
  const options: UpstreamTlsOptions = {};
  if (clientCertificate !== null) {
    options.cert = clientCertificate.cert;
    options.key = clientCertificate.key;
  }
  transport ??= {};
  if (transport.ssl_insecure_skip_verify === true) options.rejectUnauthorized = false;
  const min = tlsVersionNames.get(transport.ssl_min_version ?? 0);
  if (min !== undefined) options.minVersion = min;
  const max = tlsVersionNames.get(transport.ssl_max_version ?? 0);
  if (max !== undefined) options.maxVersion = max;
  if (transport.ssl_ciphers !== undefined && transport.ssl_ciphers.length > 0) {
    // TLS 1.3 suites stay as OpenSSL's defaults: Go does not let Tyk choose them either.
    options.ciphers = transport.ssl_ciphers.map((name) => cipherSuiteNames.get(name)!).join(':');
  }
  if (transport.ssl_ca_certificates !== undefined) options.ca = transport.ssl_ca_certificates;
  if (transport.ssl_client_certificate !== undefined && transport.ssl_client_key !== undefined) {
    options.cert = transport.ssl_client_certificate;
    options.key = transport.ssl_client_key;
  }
  if (pins !== null) options.checkServerIdentity = pinnedServerIdentity(pins);
  if (Object.keys(options).length === 0) return null;
  // The check is a function (JSON leaves it out): the pins themselves name the pool.
  const id = createHash('sha256')
    .update(JSON.stringify({ ...options, pins: pins === null ? null : [...pins].sort() }))
    .digest('base64url')
    .slice(0, 16);
  return { options, id, insecure: options.rejectUnauthorized === false };
}
