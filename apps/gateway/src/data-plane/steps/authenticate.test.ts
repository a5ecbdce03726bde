import { authModeOf } from '@portcullis/domain';
import { describe, expect, it } from 'vitest';
import { compiledConfiguration, contextFor, definition } from '../../../test/fixtures/data-plane.js';
import { authenticate } from './authenticate.js';
import { match } from './match.js';

const proxy = (listen_path: string) => ({ listen_path, target_url: 'http://127.0.0.1:9' });

describe('authenticate step', () => {
  const { config } = compiledConfiguration([
    definition({ api_id: 'open', use_keyless: true, proxy: proxy('/open') }),
    definition({ api_id: 'closed', use_keyless: false, proxy: proxy('/closed') }),
  ]);

  it('is left out of keyless chains altogether', () => {
    expect(config.apis.get('open')!.chain).not.toContain(authenticate);
    expect(config.apis.get('open')!.authentication).toBeNull();
    expect(config.apis.get('closed')!.chain).toContain(authenticate);
    expect(config.apis.get('closed')!.authentication!.mode).toBe('key');
  });

  it('answers a request without a credential 401 auth_required with a Bearer challenge, prepared at load', () => {
    const { ctx } = contextFor(config, '/closed/x');
    match.handle(ctx);
    const result = authenticate.handle(ctx);
    if (result.kind !== 'respond') throw new Error(`expected respond, got ${result.kind}`);
    expect(result.status).toBe(401);
    const headers = new Map<string, string>();
    for (let i = 0; i < result.headers.length; i += 2) headers.set(result.headers[i]!, result.headers[i + 1]!);
    expect(headers.get('www-authenticate')).toBe('Bearer realm="closed"');
    expect(headers.get('content-type')).toContain('application/json');
    expect(JSON.parse(result.body.toString())).toEqual({ error: 'auth_required', message: 'Authorization is required' });
    expect(authenticate.handle(ctx)).toBe(result);
  });

  it('picks one mode per API: keyless, OAuth 2.0, JWT, HMAC, basic, OAuth 1.0a, else API keys (Tyk default)', () => {
    const api = (flags: Record<string, unknown>) => definition({ api_id: 'a', use_keyless: false, proxy: proxy('/a'), ...flags });
    expect(authModeOf(api({ use_keyless: true, use_oauth2: true }))).toBe('keyless');
    expect(authModeOf(api({ use_oauth2: true, use_basic_auth: true }))).toBe('oauth2');
    expect(authModeOf(api({ enable_jwt: true, jwt_source: 'c2VjcmV0', jwt_signing_method: 'hmac', use_basic_auth: true }))).toBe('jwt');
    expect(authModeOf(api({ enable_signature_checking: true }))).toBe('hmac');
    expect(authModeOf(api({ use_basic_auth: true }))).toBe('basic');
    expect(authModeOf(api({ use_oauth1: true }))).toBe('oauth1');
    expect(authModeOf(api({}))).toBe('key');
  });
});
