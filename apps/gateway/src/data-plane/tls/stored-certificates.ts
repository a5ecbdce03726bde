import { certificateNames, publicKeyFingerprintOf, type SecretSeal, type StoredCertificate } from '@portcullis/domain';
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { CertificatePair } from '../upstream-certificates.js';

/** A certificate of the store as a gateway holds it: parsed, its key opened, its TLS context built. */
export interface GatewayCertificate {
  readonly id: string;
  /** Lower-case subjectAltName DNS names (else the CN). */
  readonly names: readonly string[];
  readonly notBefore: number;
  readonly notAfter: number;
  /** Null without a usable key: it cannot be served nor presented. */
  readonly pair: CertificatePair | null;
  readonly context: SecureContext | null;
  /** SHA-256 of its public key (DER SubjectPublicKeyInfo), hex: what pinned_public_keys compare. */
  readonly publicKeyFingerprint: string;
}

export interface CertificateLog {
  warn(message: string): void;
}

/**
 * Opens one stored certificate. A key that does not open (another CERTIFICATE_ENCRYPTION_SECRET than
 * the registry's, or an altered ciphertext) leaves the certificate keyless, logged by id only.
 */
export function openStoredCertificate(stored: StoredCertificate, seal: SecretSeal | undefined, log: CertificateLog): GatewayCertificate | null {
  if (stored.cert_pem.startsWith('-----BEGIN PUBLIC KEY-----')) return openPublicKey(stored, log);
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(stored.cert_pem);
  } catch {
    log.warn(`certificate ${stored.id} not loaded: it does not parse`);
    return null;
  }
  let pair: CertificatePair | null = null;
  let context: SecureContext | null = null;
  if (stored.sealed_key !== null) {
    try {
      if (seal === undefined) throw new Error('no seal');
      pair = { cert: stored.cert_pem, key: seal.open(stored.sealed_key, stored.id).toString('utf8') };
      context = createSecureContext(pair);
    } catch {
      pair = null;
      log.warn(
        `certificate ${stored.id}: its private key cannot be opened (is CERTIFICATE_ENCRYPTION_SECRET, or ADMIN_SECRET without it, the registry's?); it is not served nor presented`,
      );
    }
  }
  return {
    id: stored.id,
    names: certificateNames(leaf),
    notBefore: Date.parse(leaf.validFrom),
    notAfter: Date.parse(leaf.validTo),
    pair,
    context,
    publicKeyFingerprint: publicKeyFingerprintOf(leaf),
  };
}

/** A public key of the store: only pinned, never served nor presented. */
function openPublicKey(stored: StoredCertificate, log: CertificateLog): GatewayCertificate | null {
  try {
    const spki = createPublicKey(stored.cert_pem).export({ type: 'spki', format: 'der' });
    return {
      id: stored.id,
      names: [],
      notBefore: 0,
      notAfter: 0,
      pair: null,
      context: null,
      publicKeyFingerprint: createHash('sha256').update(spki).digest('hex'),
    };
  } catch {
    log.warn(`public key ${stored.id} not loaded: it does not parse`);
    return null;
  }
}

/** What binds stored certificates to names: an API's `domain` and its `certificates` ids. */
export interface CertificateBinding {
  readonly domain: string;
  readonly certificateIds: readonly string[];
}

/**
 * The store's certificates the HTTPS listener serves, by SNI name, rebuilt with each configuration.
 * An API with a `domain` binds its certificates to that name (of several, the one valid longest
 * wins, so a renewal can be bound before the old one is removed); an API without one serves them
 * for the names they cover (exact, then a one-label wildcard). A domain binding wins over a name.
 */
export class ServedCertificates {
  private readonly byDomain = new Map<string, GatewayCertificate>();
  private readonly exact = new Map<string, GatewayCertificate>();
  private readonly wildcard = new Map<string, GatewayCertificate>();

  constructor(bindings: Iterable<CertificateBinding>, table: ReadonlyMap<string, GatewayCertificate>) {
    for (const binding of bindings) {
      for (const id of binding.certificateIds) {
        const certificate = table.get(id);
        if (certificate === undefined || certificate.context === null) continue;
        if (binding.domain !== '') {
          const host = binding.domain.replace(/:\d+$/, '');
          keepLongest(this.byDomain, host, certificate);
          continue;
        }
        for (const name of certificate.names) {
          if (name.startsWith('*.')) keepLongest(this.wildcard, name.slice(2), certificate);
          else keepLongest(this.exact, name, certificate);
        }
      }
    }
  }

  get size(): number {
    return this.byDomain.size + this.exact.size + this.wildcard.size;
  }

  contextFor(servername: string): SecureContext | undefined {
    const name = servername.toLowerCase();
    const found = this.byDomain.get(name) ?? this.exact.get(name);
    if (found !== undefined) return found.context!;
    const dot = name.indexOf('.');
    return dot === -1 ? undefined : (this.wildcard.get(name.slice(dot + 1))?.context ?? undefined);
  }
}

export const NO_SERVED_CERTIFICATES = new ServedCertificates([], new Map());

function keepLongest(map: Map<string, GatewayCertificate>, name: string, certificate: GatewayCertificate): void {
  const held = map.get(name);
  if (held === undefined || certificate.notAfter > held.notAfter) map.set(name, certificate);
}
