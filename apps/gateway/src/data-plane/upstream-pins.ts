import type { ApiDefinition } from '@portcullis/domain';
import { createHash, X509Certificate } from 'node:crypto';
import { checkServerIdentity, type DetailedPeerCertificate, type PeerCertificate } from 'node:tls';

/** A stored certificate's or public key's public-key SHA-256 (hex) by id; null when the store has no such id. */
export type PublicKeyLookup = (id: string) => string | null;

/** Tyk's pinned_public_keys, compiled: the public keys one target's chain must show, or none. */
export interface UpstreamPins {
  forTarget(target: URL): ReadonlySet<string> | null;
  /** The ids named, so a change to one of them recompiles the API. */
  readonly ids: ReadonlySet<string>;
}

/**
 * pinned_public_keys maps an upstream host to store ids (comma-separated): the upstream's chain must
 * hold one of their public keys. Hosts match as upstream_certificates do (host:port, host, *.parent,
 * *). An id the store does not hold pins nothing: with none left the pin cannot be met and every
 * connection fails (never silently unpinned). Null when unset or certificate_pinning_disabled.
 */
export function compileUpstreamPins(api: ApiDefinition, lookup: PublicKeyLookup | undefined): UpstreamPins | null {
  const fields = api as { pinned_public_keys?: Record<string, string>; certificate_pinning_disabled?: boolean };
  const map = fields.pinned_public_keys;
  if (fields.certificate_pinning_disabled === true || map === undefined || Object.keys(map).length === 0) return null;
  const byHost = new Map(
    Object.entries(map).map(([host, ids]) => [
      host.toLowerCase(),
      ids
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id !== ''),
    ]),
  );
  return {
    ids: new Set([...byHost.values()].flat()),
    forTarget(target: URL): ReadonlySet<string> | null {
      if (target.protocol !== 'https:') return null;
      const hostname = target.hostname.toLowerCase();
      const dot = hostname.indexOf('.');
      const ids =
        byHost.get(target.host.toLowerCase()) ?? byHost.get(hostname) ?? (dot === -1 ? undefined : byHost.get(`*${hostname.slice(dot)}`)) ?? byHost.get('*');
      if (ids === undefined) return null;
      return new Set(ids.map((id) => lookup?.(id) ?? null).filter((fingerprint): fingerprint is string => fingerprint !== null));
    },
  };
}

function spkiFingerprint(der: Buffer): string {
  return createHash('sha256')
    .update(new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/**
 * The connection's checkServerIdentity with pins: the usual host name check first, then one
 * certificate of the chain (leaf, intermediates, root) must carry a pinned public key, as Tyk's
 * VerifyPeerCertificate does. Node calls it on every new (not resumed) session.
 */
export function pinnedServerIdentity(pins: ReadonlySet<string>): (host: string, cert: PeerCertificate) => Error | undefined {
  return (host, cert) => {
    const error = checkServerIdentity(host, cert);
    if (error !== undefined) return error;
    const seen = new Set<DetailedPeerCertificate>();
    for (let current = cert as DetailedPeerCertificate | undefined; current !== undefined && !seen.has(current); current = current.issuerCertificate) {
      seen.add(current);
      // From the DER certificate: `pubkey` is the bare EC point for EC keys, not the SubjectPublicKeyInfo pins name.
      if (current.raw !== undefined && pins.has(spkiFingerprint(current.raw))) return undefined;
    }
    return new Error('certificate public key pinning error: no certificate of the upstream chain has a pinned public key');
  };
}
