import type { ApiDefinitionInput } from '@portcullis/domain';
import { describe, expect, it } from 'vitest';
import { identity, rights } from '../../../test/fixtures/enforcement.js';
import { compiledConfiguration, contextFor, definition } from '../../../test/fixtures/data-plane.js';
import type { StepResult } from '../step.js';
import { authenticate } from './authenticate.js';
import { authorise } from './authorise.js';
import { match } from './match.js';
import { quota } from './quota.js';
import { rateLimit } from './rate-limit.js';
import { versionCheck } from './version-check.js';

const target = 'http://127.0.0.1:9';
const noAction = { action: 'no_action' };
const versions = (input: Record<string, unknown>) => input as unknown as ApiDefinitionInput['version_data'];

const { config } = compiledConfiguration([
  definition({ api_id: 'plain', proxy: { listen_path: '/plain/', target_url: target } }),
  definition({
    api_id: 'tyk-export',
    proxy: { listen_path: '/export/', target_url: target },
    version_data: versions({
      not_versioned: true,
      versions: { Default: { name: 'Default', use_extended_paths: true, extended_paths: { white_list: [], black_list: [], ignored: [] } } },
    }),
  } as never),
  definition({
    api_id: 'by-header',
    use_keyless: false,
    proxy: { listen_path: '/h/', target_url: target },
    definition: { location: 'header', key: 'X-API-Version', strip_versioning_data: true },
    version_data: versions({
      not_versioned: false,
      default_version: 'v2',
      versions: {
        v1: { expires: '2000-01-01 00:00', use_extended_paths: true },
        v2: {
          expires: '3000-01-01 00:00',
          use_extended_paths: true,
          override_target: 'http://127.0.0.1:10/v2',
          extended_paths: {
            ignored: [{ path: '/health', method_actions: { GET: noAction } }],
            black_list: [{ path: '/admin', method_actions: { GET: noAction, DELETE: noAction } }],
            white_list: [
              { path: '/users/{id}', method_actions: { GET: noAction } },
              { path: '/Reports', ignore_case: true, method_actions: { GET: noAction } },
              { path: '/health', method_actions: { GET: noAction } },
              { path: '/admin', method_actions: { GET: noAction, DELETE: noAction } },
              { path: '/odd', method_actions: { GET: { action: 'something_else' } } },
            ],
          },
        },
      },
    }),
  } as never),
  definition({
    api_id: 'by-url',
    use_keyless: false,
    proxy: { listen_path: '/u/', target_url: target, strip_listen_path: true },
    definition: { location: 'url', key: '', strip_versioning_data: true },
    version_data: versions({
      not_versioned: false,
      versions: { v1: { use_extended_paths: false, paths: { black_list: ['/secret'], ignored: [], white_list: [] } }, v2: {} },
    }),
  } as never),
  definition({
    api_id: 'by-param',
    proxy: { listen_path: '/p/', target_url: target },
    definition: { location: 'url-param', key: 'version', fallback_to_default: true, strip_versioning_data: true },
    version_data: versions({ not_versioned: false, default_version: 'v1', versions: { v1: {}, v2: {} } }),
  } as never),
]);

function run(url: string, options: { method?: string; headers?: Record<string, string> } = {}) {
  const { ctx } = contextFor(config, url, options.headers);
  (ctx.req as { method: string }).method = options.method ?? 'GET';
  match.handle(ctx);
  const result: StepResult = versionCheck.handle(ctx);
  return { ctx, result: result.kind === 'fail' ? result.code : result.kind };
}

describe('version-check step', () => {
  it('is in no chain of an API without version_data, nor of a not-versioned one without path rules (Tyk exports)', () => {
    expect(config.apis.get('plain')!.chain).not.toContain(versionCheck);
    expect(config.apis.get('tyk-export')!.chain).not.toContain(versionCheck);
    const names = config.apis.get('by-header')!.chain.map((step) => step.name);
    expect(names.indexOf('version-check')).toBe(names.indexOf('authenticate') - 1);
  });

  it('reads the version from the header (any case), refusing an unknown one and an expired one with Tyk 403s', () => {
    expect(run('/h/users/1', { headers: { 'x-api-version': 'v2' } }).ctx.version!.name).toBe('v2');
    expect(run('/h/users/1', { headers: { 'X-Api-Version': 'v3' } }).result).toBe('version_unknown');
    const expired = run('/h/users/1', { headers: { 'X-API-Version': 'v1' } });
    expect(expired).toMatchObject({ result: 'version_expired' });
    expect(expired.ctx.refusal).toBe('forbidden');
  });

  it('takes default_version when the request names none, and refuses with "Version information not found" without one', () => {
    expect(run('/h/users/1').ctx.version!.name).toBe('v2');
    expect(run('/u/')).toMatchObject({ result: 'version_not_found' });
  });

  it('reads the version from the first segment below the listen path, and strips it upstream with strip_versioning_data', () => {
    const { ctx, result } = run('/u/v2/orders/7?x=1');
    expect(result).toBe('continue');
    expect(ctx.version!.name).toBe('v2');
    expect([ctx.forwardPath, ctx.forwardQuery, ctx.versionlessPath]).toEqual(['/u/orders/7', '?x=1', '/orders/7']);
    expect(run('/u/v9/orders').result).toBe('version_unknown');
  });

  it('reads the version from the query parameter, strips it, and falls back to the default with fallback_to_default', () => {
    const named = run('/p/x?a=1&version=v2&b=2');
    expect([named.ctx.version!.name, named.ctx.forwardQuery]).toEqual(['v2', '?a=1&b=2']);
    expect(run('/p/x?version=v7').ctx.version!.name).toBe('v1');
    expect(run('/p/x').ctx.version!.name).toBe('v1');
  });

  it('a white list serves only what it lists (path, {id} placeholder, method), 403 "Requested endpoint is forbidden" otherwise', () => {
    expect(run('/h/users/42').result).toBe('continue');
    expect(run('/h/users/42', { method: 'POST' }).result).toBe('endpoint_forbidden');
    expect(run('/h/orders').result).toBe('endpoint_forbidden');
    // Anchored at the start: a listed path further down is not listed.
    expect(run('/h/x/users/42').result).toBe('endpoint_forbidden');
    expect(run('/h/reports').result).toBe('continue');
    // An action other than no_action blocks (Tyk: "URL Method Action was not set to NoAction, blocking.").
    expect(run('/h/odd').result).toBe('endpoint_forbidden');
  });

  it('a black list refuses its paths for the methods it names, before the white list, and wherever they occur', () => {
    expect(run('/h/admin').result).toBe('endpoint_forbidden');
    expect(run('/h/admin', { method: 'DELETE' }).result).toBe('endpoint_forbidden');
    expect(run('/u/v1/secret').result).toBe('endpoint_forbidden');
    expect(run('/u/v1/a/secret/b').result).toBe('endpoint_forbidden');
    expect(run('/u/v1/public').result).toBe('continue');
    expect(run('/u/v2/secret').result).toBe('continue');
  });

  it('an ignored path continues on the chain without the identity steps; its neighbour keeps them', () => {
    const ignored = run('/h/health');
    expect(ignored.result).toBe('continue');
    for (const step of [authenticate, authorise, rateLimit, quota]) expect(ignored.ctx.chain).not.toContain(step);
    expect(ignored.ctx.chain.indexOf(versionCheck)).toBe(config.apis.get('by-header')!.chain.indexOf(versionCheck));
    // POST /health is not ignored (the entry names GET) and no white-list entry allows it.
    expect(run('/h/health', { method: 'POST' }).result).toBe('endpoint_forbidden');
    expect(run('/h/users/1').ctx.chain).toContain(authenticate);
  });

  it('sends a version with override_target to its own upstream', () => {
    expect(run('/h/users/1').ctx.version!.upstream!.origin).toBe('http://127.0.0.1:10');
    expect(run('/u/v2/x').ctx.version!.upstream).toBeNull();
  });
});

describe('authorise with versions (Tyk AccessRightsCheck)', () => {
  function authorised(url: string, listed: string[], headers: Record<string, string> = {}) {
    const { ctx, result } = run(url, { headers });
    expect(result).toBe('continue');
    ctx.identity = identity(
      rights({ access: { 'by-header': [], 'by-url': [{ url: '^/orders', methods: ['GET'] }] }, versions: { 'by-header': listed, 'by-url': listed } }),
    );
    const decided = authorise.handle(ctx);
    return decided.kind === 'fail' ? decided.code : decided.kind;
  }

  it('allows only the versions the rights list on a versioned API; an empty list allows none', () => {
    expect(authorised('/h/users/1', ['v2'])).toBe('continue');
    expect(authorised('/h/users/1', ['v1'])).toBe('access_denied');
    expect(authorised('/h/users/1', [])).toBe('access_denied');
  });

  it('matches allowed_urls below the version segment of a URL-versioned API too', () => {
    expect(authorised('/u/v2/orders/1', ['v2'])).toBe('continue');
    expect(authorised('/u/v2/users', ['v2'])).toBe('access_denied');
  });
});
