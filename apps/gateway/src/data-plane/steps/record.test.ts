import { describe, expect, it } from 'vitest';
import { compiledConfiguration, contextFor, definition } from '../../../test/fixtures/data-plane.js';
import { identity, memoryEnforcement, rights } from '../../../test/fixtures/enforcement.js';
import { debugLogTable } from '../debug-logs.js';
import { match } from './match.js';
import { record } from './record.js';

async function series(metrics: { registry: { metrics(): Promise<string> } }, name: string): Promise<number> {
  const line = (await metrics.registry.metrics()).split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : 0;
}

describe('record step', () => {
  it('runs always and last, whatever answered', () => {
    const { config } = compiledConfiguration([definition({ api_id: 'a', proxy: { listen_path: '/a', target_url: 'http://127.0.0.1:9' } })]);
    expect(record.always).toBe(true);
    expect(config.apis.get('a')!.chain.at(-1)).toBe(record);
    expect(config.entryChain.at(-1)).toBe(record);
  });

  it('counts the request under its API and status, and observes its duration', async () => {
    const { config, metrics } = compiledConfiguration([definition({ api_id: 'a', proxy: { listen_path: '/a', target_url: 'http://127.0.0.1:9' } })]);
    for (const status of [200, 200, 502]) {
      const { ctx } = contextFor(config, '/a/1');
      match.handle(ctx);
      ctx.status = status;
      expect(record.handle(ctx)).toEqual({ kind: 'continue' });
    }
    expect(await series(metrics, 'portcullis_gateway_requests_total{api_id="a",status="200"}')).toBe(2);
    expect(await series(metrics, 'portcullis_gateway_requests_total{api_id="a",status="502"}')).toBe(1);
    expect(await series(metrics, 'portcullis_gateway_request_duration_seconds_count{api_id="a"}')).toBe(3);
  });

  it('counts requests that matched nothing under an empty api_id', async () => {
    const { config, metrics } = compiledConfiguration([]);
    const { ctx } = contextFor(config, '/nothing');
    ctx.status = 404;
    record.handle(ctx);
    expect(await series(metrics, 'portcullis_gateway_requests_total{api_id="",status="404"}')).toBe(1);
  });

  describe('analytics', () => {
    function setup() {
      const built = memoryEnforcement();
      const { config } = compiledConfiguration(
        [
          definition({ api_id: 'open', use_keyless: true, proxy: { listen_path: '/open', target_url: 'http://127.0.0.1:9' } }),
          definition({ api_id: 'keyed', use_keyless: false, proxy: { listen_path: '/keyed', target_url: 'http://127.0.0.1:9' } }),
          definition({ api_id: 'quiet', use_keyless: true, do_not_track: true, proxy: { listen_path: '/quiet', target_url: 'http://127.0.0.1:9' } } as never),
          definition({
            api_id: 'detailed',
            use_keyless: true,
            enable_detailed_recording: true,
            proxy: { listen_path: '/detailed', target_url: 'http://127.0.0.1:9' },
          } as never),
          definition({
            api_id: 'errors',
            use_keyless: true,
            portcullis_request_log: { errors: true },
            proxy: { listen_path: '/errors', target_url: 'http://127.0.0.1:9' },
          } as never),
        ],
        30,
        undefined,
        built.enforcement,
      );
      return { config, records: built.records, logs: built.logs };
    }

    it('asks for a request log only where the API enabled one: every request (enable_detailed_recording) or errors only', () => {
      const { config, records, logs } = setup();
      for (const [url, status] of [
        ['/open/a', 200],
        ['/open/b', 500],
        ['/detailed/a', 200],
        ['/detailed/b', 404],
        ['/errors/a', 200],
        ['/errors/b', 502],
      ] as const) {
        const { ctx } = contextFor(config, url);
        match.handle(ctx);
        ctx.status = status;
        record.handle(ctx);
      }
      expect(records).toHaveLength(6);
      expect(logs.map((r) => r.path)).toEqual(['/detailed/a', '/detailed/b', '/errors/b']);
    });

    it('hands one complete record per request of an API to the recorder, without the query string', () => {
      const { config, records } = setup();
      const { ctx } = contextFor(config, '/keyed/orders/1?api_key=secret', { 'Content-Length': '42' });
      (ctx.req as { method: string }).method = 'POST';
      match.handle(ctx);
      ctx.identity = identity(rights({ access: { keyed: [] } }), { id: 'f'.repeat(64), oauthClientId: 'client-1' });
      ctx.status = 201;
      ctx.upstreamMs = 1.25;
      ctx.bytesOut = 64;
      const before = Date.now();
      record.handle(ctx);
      expect(records).toHaveLength(1);
      const r = records[0]!;
      expect(r).toMatchObject({
        api_id: 'keyed',
        identity: 'f'.repeat(64),
        oauth_client_id: 'client-1',
        method: 'POST',
        path: '/keyed/orders/1',
        status: 201,
        upstream_ms: 1.25,
        bytes_in: 42,
        bytes_out: 64,
        auth_result: 'ok',
      });
      expect(r.at).toBeGreaterThanOrEqual(before);
      expect(r.total_ms).toBeGreaterThanOrEqual(0);
      expect(JSON.stringify(r)).not.toContain('secret');
    });

    it('says why a request was refused, and marks keyless and unauthenticated ones', () => {
      const { config, records } = setup();
      const refused = contextFor(config, '/keyed/x').ctx;
      match.handle(refused);
      refused.identity = identity(rights());
      refused.refusal = 'rate_limited';
      refused.status = 429;
      record.handle(refused);
      const anonymous = contextFor(config, '/keyed/x').ctx;
      match.handle(anonymous);
      anonymous.status = 401;
      record.handle(anonymous);
      const open = contextFor(config, '/open/x').ctx;
      match.handle(open);
      open.status = 200;
      record.handle(open);
      expect(records.map((r) => [r.status, r.auth_result, r.identity, r.upstream_ms])).toEqual([
        [429, 'rate_limited', 'a'.repeat(64), 0],
        [401, 'invalid', undefined, 0],
        [200, 'keyless', undefined, 0],
      ]);
    });

    it('counts a request matching a track_endpoints entry under the entry, never the raw path, and others under none', () => {
      const built = memoryEnforcement();
      const { config } = compiledConfiguration(
        [
          definition({
            api_id: 'tracked',
            use_keyless: true,
            proxy: { listen_path: '/tracked/', target_url: 'http://127.0.0.1:9', strip_listen_path: true },
            version_data: {
              not_versioned: true,
              versions: {
                Default: {
                  name: 'Default',
                  extended_paths: {
                    track_endpoints: [{ path: '/users/{id}', method: 'GET' }, { path: '/orders' }],
                    do_not_track_endpoints: [{ path: '/health', method: 'GET' }],
                  },
                },
              },
            },
          } as never),
          definition({ api_id: 'plain', use_keyless: true, proxy: { listen_path: '/plain/', target_url: 'http://127.0.0.1:9' } }),
        ],
        30,
        undefined,
        built.enforcement,
      );
      expect(config.apis.get('plain')!.tracked).toBeNull();
      for (const [method, url] of [
        ['GET', '/tracked/users/1'],
        ['GET', '/tracked/users/2'],
        ['DELETE', '/tracked/users/2'],
        ['POST', '/tracked/orders'],
        ['GET', '/tracked/other'],
        ['GET', '/tracked/health'],
        ['GET', '/plain/users/1'],
      ] as const) {
        const { ctx } = contextFor(config, url);
        (ctx.req as { method: string }).method = method;
        match.handle(ctx);
        ctx.status = 200;
        record.handle(ctx);
      }
      expect(built.records.map((r) => [r.path, r.endpoint])).toEqual([
        ['/tracked/users/1', 'GET /users/{id}'],
        ['/tracked/users/2', 'GET /users/{id}'],
        ['/tracked/users/2', undefined],
        ['/tracked/orders', '/orders'],
        ['/tracked/other', undefined],
        ['/plain/users/1', undefined],
      ]);
    });

    it('keeps every request of a caller being debugged as a request log, until the session ends, and no other caller’s', () => {
      const { config, records, logs } = setup();
      const debugged = 'd'.repeat(64);
      const now = Date.now();
      const sessions = [
        { id: 's1', identity: debugged, created_at: now - 1_000, expires_at: now + 60_000 },
        { id: 's2', oauth_client_id: 'client-x', created_at: now - 1_000, expires_at: now + 60_000 },
        { id: 's3', identity: 'e'.repeat(64), created_at: now - 2_000, expires_at: now - 1 },
      ];
      const debugging = { ...config, debugLogs: debugLogTable(sessions, now) };
      const call = (id: string, client: string | null, onConfig = debugging) => {
        const { ctx } = contextFor(onConfig, '/keyed/x');
        match.handle(ctx);
        ctx.identity = identity(rights({ access: { keyed: [] } }), { id, oauthClientId: client });
        ctx.status = 200;
        record.handle(ctx);
      };
      call(debugged, null);
      call('f'.repeat(64), null);
      call('f'.repeat(64), 'client-x');
      call('e'.repeat(64), null);
      call(debugged, null, config);
      expect(records).toHaveLength(5);
      expect(logs.map((r) => [r.identity, r.oauth_client_id])).toEqual([
        [debugged, undefined],
        ['f'.repeat(64), 'client-x'],
      ]);
      expect(debugLogTable([sessions[2]!], now)).toBeNull();
    });

    it("records nothing for requests that matched no API or an API with Tyk's do_not_track", () => {
      const { config, records } = setup();
      for (const url of ['/nowhere', '/quiet/x']) {
        const { ctx } = contextFor(config, url);
        match.handle(ctx);
        ctx.status = 200;
        record.handle(ctx);
      }
      expect(records).toHaveLength(0);
    });
  });
});
