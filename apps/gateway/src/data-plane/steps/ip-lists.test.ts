import { parseIpRule } from '@portcullis/domain';
import { describe, expect, it } from 'vitest';
import { compiledConfiguration, contextFor, definition } from '../../../test/fixtures/data-plane.js';
import { ClientAddress } from '../client-address.js';
import type { CompiledConfiguration } from '../compiled.js';
import { authenticate } from './authenticate.js';
import { ipLists } from './ip-lists.js';
import { match } from './match.js';

const proxy = (listen_path: string) => ({ listen_path, target_url: 'http://127.0.0.1:9' });

/** Runs match and ip-lists for a request from `address` (the socket's). */
function check(config: CompiledConfiguration, path: string, address: string, headers: Record<string, string> = {}) {
  const { ctx } = contextFor(config, path, headers);
  (ctx.req.socket as { remoteAddress: string }).remoteAddress = address;
  match.handle(ctx);
  const result = ipLists.handle(ctx);
  return { result, refusal: ctx.refusal };
}

describe("IP allow and block lists (Tyk's enable_ip_whitelisting / enable_ip_blacklisting)", () => {
  const { config } = compiledConfiguration([
    definition({ api_id: 'open', proxy: proxy('/open') }),
    definition({
      api_id: 'off',
      proxy: proxy('/off'),
      enable_ip_whitelisting: false,
      allowed_ips: ['10.0.0.1'],
      enable_ip_blacklisting: true,
      blacklisted_ips: [],
    }),
    definition({ api_id: 'allow', proxy: proxy('/allow'), enable_ip_whitelisting: true, allowed_ips: ['10.0.0.0/8', '192.0.2.7', '2001:db8::/32', '::1'] }),
    definition({
      api_id: 'block',
      proxy: proxy('/block'),
      use_keyless: false,
      enable_ip_blacklisting: true,
      blacklisted_ips: ['10.1.0.0/16', '2001:db8::bad'],
    }),
    definition({
      api_id: 'both',
      proxy: proxy('/both'),
      enable_ip_whitelisting: true,
      allowed_ips: ['10.0.0.0/8'],
      enable_ip_blacklisting: true,
      blacklisted_ips: ['10.6.6.6'],
    }),
  ]);

  it('is in the chain only of APIs with a list that is on and not empty, before authenticate', () => {
    expect(config.apis.get('open')!.chain).not.toContain(ipLists);
    expect(config.apis.get('open')!.ipAccess).toBeNull();
    expect(config.apis.get('off')!.chain).not.toContain(ipLists);
    const chain = config.apis.get('block')!.chain;
    expect(chain).toContain(ipLists);
    expect(chain.indexOf(ipLists)).toBeLessThan(chain.indexOf(authenticate));
  });

  it('an allow list lets in addresses and networks of both families, IPv4-mapped socket addresses included', () => {
    for (const address of ['10.2.3.4', '::ffff:10.2.3.4', '192.0.2.7', '::ffff:192.0.2.7', '2001:db8:1::5', '::1']) {
      expect(check(config, '/allow/x', address).result.kind, address).toBe('continue');
    }
  });

  it('an allow list refuses everyone else with 403 ip_not_allowed (Tyk: "access from this IP has been disallowed")', () => {
    for (const address of ['127.0.0.1', '::ffff:127.0.0.1', '192.0.2.8', '2001:db9::1', '11.0.0.1']) {
      const { result, refusal } = check(config, '/allow/x', address);
      expect(result, address).toEqual({ kind: 'fail', code: 'ip_not_allowed' });
      expect(refusal).toBe('forbidden');
    }
  });

  it('a block list refuses its addresses and networks and lets the rest in', () => {
    for (const address of ['10.1.2.3', '::ffff:10.1.2.3', '2001:db8::bad']) expect(check(config, '/block/x', address).result.kind, address).toBe('fail');
    for (const address of ['10.2.0.1', '127.0.0.1', '2001:db8::1', '::1']) expect(check(config, '/block/x', address).result.kind, address).toBe('continue');
  });

  it('both lists: inside the allow list and outside the block list', () => {
    expect(check(config, '/both/x', '10.0.0.1').result.kind).toBe('continue');
    expect(check(config, '/both/x', '10.6.6.6').result.kind).toBe('fail');
    expect(check(config, '/both/x', '172.16.0.1').result.kind).toBe('fail');
  });

  it('believes X-Forwarded-For only from a trusted proxy', () => {
    const headers = { 'X-Forwarded-For': '10.2.3.4' };
    expect(check(config, '/allow/x', '127.0.0.1', headers).result.kind).toBe('fail');
    const trusted = compiledConfiguration(
      [definition({ api_id: 'allow', proxy: proxy('/allow'), enable_ip_whitelisting: true, allowed_ips: ['10.0.0.0/8'] })],
      30,
      undefined,
      undefined,
      new ClientAddress([parseIpRule('127.0.0.1')!]),
    ).config;
    expect(check(trusted, '/allow/x', '127.0.0.1', headers).result.kind).toBe('continue');
    expect(check(trusted, '/allow/x', '127.0.0.1', { 'X-Forwarded-For': '172.16.0.1' }).result.kind).toBe('fail');
    // The proxy's own address is not the client's: without a header it is judged itself.
    expect(check(trusted, '/allow/x', '127.0.0.1').result.kind).toBe('fail');
  });
});
