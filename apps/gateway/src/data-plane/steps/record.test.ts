import { describe, expect, it } from 'vitest';
import { compiledConfiguration, contextFor, definition } from '../../../test/fixtures/data-plane.js';
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

  it("counts the request under its API and status, and observes its duration", async () => {
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
});
