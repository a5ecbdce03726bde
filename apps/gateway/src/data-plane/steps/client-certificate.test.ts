import { describe, expect, it } from 'vitest';
import { compiledConfiguration, contextFor, definition } from '../../../test/fixtures/data-plane.js';
import type { CompiledConfiguration } from '../compiled.js';
import { authenticate } from './authenticate.js';
import { clientCertificate } from './client-certificate.js';
import { ipLists } from './ip-lists.js';
import { match } from './match.js';

const allowed = 'AB:'.repeat(31) + 'AB';
const allowedHex = 'ab'.repeat(32);
const day = 86_400_000;
const dates = (from: number, to: number) => ({ valid_from: new Date(from).toUTCString(), valid_to: new Date(to).toUTCString() });

/** Runs match and client-certificate for a request whose socket shows `peer` (null: plain HTTP). */
function check(config: CompiledConfiguration, path: string, peer: Record<string, string> | null | 'none') {
  const { ctx } = contextFor(config, path, {});
  if (peer !== null) Object.assign(ctx.req.socket, { encrypted: true, getPeerCertificate: () => (peer === 'none' ? {} : peer) });
  match.handle(ctx);
  return { result: clientCertificate.handle(ctx), refusal: ctx.refusal };
}

describe("client-certificate (Tyk's static mTLS, use_mutual_tls_auth)", () => {
  const { config } = compiledConfiguration([
    definition({ api_id: 'open', proxy: { listen_path: '/open', target_url: 'http://127.0.0.1:9' } }),
    definition({
      api_id: 'mtls',
      proxy: { listen_path: '/mtls', target_url: 'http://127.0.0.1:9' },
      use_keyless: false,
      enable_ip_whitelisting: true,
      allowed_ips: ['0.0.0.0/0'],
      use_mutual_tls_auth: true,
      client_certificates: [`orgid${allowedHex}`],
    }),
  ]);

  it('is in the chain only of APIs using it, after ip-lists and before authenticate', () => {
    expect(config.apis.get('open')!.chain).not.toContain(clientCertificate);
    expect(config.apis.get('open')!.clientCertificates).toBeNull();
    const chain = config.apis.get('mtls')!.chain;
    expect(chain.indexOf(clientCertificate)).toBeGreaterThan(chain.indexOf(ipLists));
    expect(chain.indexOf(clientCertificate)).toBeLessThan(chain.indexOf(authenticate));
  });

  it('lets through a listed certificate within its dates (the SHA-256 of a Tyk id with an org prefix)', () => {
    expect(check(config, '/mtls/a', { fingerprint256: allowed, ...dates(Date.now() - day, Date.now() + day) }).result.kind).toBe('continue');
  });

  it('refuses plain HTTP and a TLS client without a certificate (403 client_certificate_required)', () => {
    expect(check(config, '/mtls/a', null)).toEqual({ result: { kind: 'fail', code: 'client_certificate_required' }, refusal: 'missing' });
    expect(check(config, '/mtls/a', 'none').result).toEqual({ kind: 'fail', code: 'client_certificate_required' });
  });

  it('refuses a certificate not listed, or listed but expired or not yet valid (403 client_certificate_not_allowed)', () => {
    const notAllowed = { result: { kind: 'fail', code: 'client_certificate_not_allowed' }, refusal: 'forbidden' };
    expect(check(config, '/mtls/a', { fingerprint256: 'CD:'.repeat(31) + 'CD', ...dates(Date.now() - day, Date.now() + day) })).toEqual(notAllowed);
    expect(check(config, '/mtls/a', { fingerprint256: allowed, ...dates(Date.now() - 2 * day, Date.now() - day) })).toEqual(notAllowed);
    expect(check(config, '/mtls/a', { fingerprint256: allowed, ...dates(Date.now() + day, Date.now() + 2 * day) })).toEqual(notAllowed);
  });
});
