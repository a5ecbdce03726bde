import { describe, expect, it } from 'vitest';
import { compiledConfiguration, contextFor, definition } from '../../../test/fixtures/data-plane.js';
import { authenticate } from './authenticate.js';
import { match } from './match.js';

describe('authenticate step', () => {
  const { config } = compiledConfiguration([
    definition({ api_id: 'open', use_keyless: true, proxy: { listen_path: '/open', target_url: 'http://127.0.0.1:9' } }),
    definition({ api_id: 'closed', use_keyless: false, proxy: { listen_path: '/closed', target_url: 'http://127.0.0.1:9' } }),
  ]);

  it('is left out of keyless chains altogether', () => {
    expect(config.apis.get('open')!.chain).not.toContain(authenticate);
    expect(config.apis.get('open')!.authentication).toBeNull();
    expect(config.apis.get('closed')!.chain).toContain(authenticate);
  });

  it('answers 401 auth_required with a Bearer challenge while no mode accepts a credential', () => {
    const { ctx } = contextFor(config, '/closed/x', { Authorization: 'Bearer anything' });
    match.handle(ctx);
    const result = authenticate.handle(ctx);
    if (result.kind !== 'respond') throw new Error(`expected respond, got ${result.kind}`);
    expect(result.status).toBe(401);
    const headers = new Map<string, string>();
    for (let i = 0; i < result.headers.length; i += 2) headers.set(result.headers[i]!, result.headers[i + 1]!);
    expect(headers.get('www-authenticate')).toBe('Bearer realm="closed"');
    expect(headers.get('content-type')).toContain('application/json');
    expect(JSON.parse(result.body.toString())).toEqual({ error: 'auth_required', message: 'Authorization is required' });
    // Prepared once at load: every request gets the same response object.
    expect(authenticate.handle(ctx)).toBe(result);
  });
});
