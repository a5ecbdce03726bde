import type { ApiDefinition } from '@portcullis/domain';

/** A certificate chain and its private key, PEM: what a TLS client presents. */
export interface CertificatePair {
  readonly cert: string;
  readonly key: string;
}

/** A stored certificate (/tyk/certs) by id, with its key opened; null when absent or keyless. */
export type CertificateLookup = (id: string) => CertificatePair | null;

/** Tyk's upstream_certificates, compiled: the pair presented to one target, or none. */
export interface UpstreamClientCertificates {
  forTarget(target: URL): CertificatePair | null;
  /** The certificate ids named, so a change to one of them recompiles the API. */
  readonly ids: ReadonlySet<string>;
}

/**
 * upstream_certificates maps an upstream host to a stored certificate id. Tyk's order: the host with
 * its port, the host alone, a `*.parent` wildcard (one label), then `*` for every upstream. Null
 * when unset or upstream_certificates_disabled: such an API pays nothing.
 */
export function compileUpstreamCertificates(api: ApiDefinition, lookup: CertificateLookup | undefined): UpstreamClientCertificates | null {
  const map = (api as { upstream_certificates?: Record<string, string> }).upstream_certificates;
  if ((api as { upstream_certificates_disabled?: boolean }).upstream_certificates_disabled === true || map === undefined || Object.keys(map).length === 0)
    return null;
  const byHost = new Map(Object.entries(map).map(([host, id]) => [host.toLowerCase(), id]));
  return {
    ids: new Set(byHost.values()),
    forTarget(target: URL): CertificatePair | null {
      if (target.protocol !== 'https:' || lookup === undefined) return null;
      const hostname = target.hostname.toLowerCase();
      const dot = hostname.indexOf('.');
      const id =
        byHost.get(target.host.toLowerCase()) ?? byHost.get(hostname) ?? (dot === -1 ? undefined : byHost.get(`*${hostname.slice(dot)}`)) ?? byHost.get('*');
      return id === undefined ? null : lookup(id);
    },
  };
}
