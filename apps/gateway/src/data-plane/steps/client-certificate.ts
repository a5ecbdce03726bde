import type { ApiDefinition } from '@portcullis/domain';
import type { TLSSocket } from 'node:tls';
import type { RequestContext } from '../request-context.js';
import { CONTINUE, fail, type Step, type StepResult } from '../step.js';

/** An API's allowed client certificates (Tyk's `client_certificates`), by SHA-256 fingerprint. */
export interface CompiledClientCertificates {
  /** Lower-case hex SHA-256 of each allowed certificate (DER). */
  readonly fingerprints: ReadonlySet<string>;
}

const required = fail('client_certificate_required');
const notAllowed = fail('client_certificate_not_allowed');

/**
 * Tyk's static mTLS (`use_mutual_tls_auth`, mw_certificate_check.go): the request must come over
 * TLS with a client certificate whose SHA-256 is one of the API's `client_certificates`, and that
 * is within its validity dates; 403 otherwise. The HTTPS listener asks for client certificates only
 * with GATEWAY_TLS_REQUEST_CLIENT_CERT (it does not check them against a CA: the list is the
 * trust). Runs before authentication, as in Tyk, so a refused client costs no credential lookup.
 */
export const clientCertificate: Step = {
  name: 'client-certificate',
  always: false,
  enabledFor: (api) => api.use_mutual_tls_auth === true,
  handle(ctx: RequestContext): StepResult {
    const socket = ctx.req.socket as Partial<TLSSocket>;
    const peer = socket.encrypted === true ? socket.getPeerCertificate!() : null;
    if (peer === null || peer.fingerprint256 === undefined) {
      ctx.refusal = 'missing';
      return required;
    }
    const now = Date.now();
    const fingerprint = peer.fingerprint256.replaceAll(':', '').toLowerCase();
    if (ctx.api!.clientCertificates!.fingerprints.has(fingerprint) && Date.parse(peer.valid_from) <= now && now <= Date.parse(peer.valid_to)) return CONTINUE;
    ctx.refusal = 'forbidden';
    return notAllowed;
  },
};

/**
 * Tyk names a certificate by its id in its store: the org id followed by the SHA-256 in hex, or the
 * SHA-256 alone; validation checked each entry ends with 64 hex digits.
 */
export function compileClientCertificates(api: ApiDefinition): CompiledClientCertificates | null {
  if (!clientCertificate.enabledFor(api)) return null;
  const ids = (api.client_certificates ?? []) as readonly string[];
  return { fingerprints: new Set(ids.map((id) => id.slice(-64).toLowerCase())) };
}
