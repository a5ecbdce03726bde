import { afterAll, describe, expect, it } from 'vitest';
import { TransformPool, type TransformTask } from './transform-pool.js';

const pool = new TransformPool({ workers: 1, timeoutMs: 1000, maxQueued: 2, heapMb: 32 });

afterAll(() => pool.close());

function task(language: TransformTask['language'], program: string, body = '{}', direction: TransformTask['direction'] = 'request'): TransformTask {
  return {
    language,
    direction,
    program,
    input: 'json',
    body: Buffer.from(body),
    headers: { 'x-user': 'ana' },
    context: { path: '/p', request_method: 'POST' },
    status: 201,
    maxBytes: 1000,
  };
}

const text = (outcome: Awaited<ReturnType<TransformPool['run']>>) => (outcome.ok ? outcome.body.toString('utf8') : outcome);

describe('the transform pool', () => {
  it("runs jq with Tyk's request input ({body, _tyk_context}) and gives body and rewrite_headers", async () => {
    const outcome = await pool.run(task('jq', '{body: {seen: .body.a, path: ._tyk_context.path}, rewrite_headers: {"X-N": 1}}', '{"a":[1]}'));
    expect(text(outcome)).toBe('{"seen":[1],"path":"/p"}');
    expect(outcome.ok && outcome.headers).toEqual({ 'X-N': '1' });
  });

  it("runs jq with Tyk's response input ({body, _tyk_response_headers, _tyk_context})", async () => {
    expect(text(await pool.run(task('jq', '{body: [._tyk_response_headers["x-user"], ._tyk_context.request_method]}', '{}', 'response')))).toBe(
      '["ana","POST"]',
    );
  });

  it('refuses a jq result without a body field, and an empty output', async () => {
    expect(await pool.run(task('jq', '{rewrite_headers: {}}'))).toMatchObject({ ok: false, kind: 'failed', message: expect.stringContaining('body field') });
    expect(await pool.run(task('jq', 'empty'))).toMatchObject({ ok: false, kind: 'failed' });
  });

  it('runs JSONata on the body with $headers, $method, $path ($status for a response)', async () => {
    expect(text(await pool.run(task('jsonata', '{"u": $headers."x-user", "m": $method, "p": $path, "n": n + 1}', '{"n":1}')))).toBe(
      '{"u":"ana","m":"POST","p":"/p","n":2}',
    );
    expect(text(await pool.run(task('jsonata', '$status', '{}', 'response')))).toBe('201');
  });

  it('an empty body is null; a body that is not JSON is not_json', async () => {
    expect(text(await pool.run(task('jq', '{body: .body}', '')))).toBe('null');
    expect(await pool.run(task('jsonata', '$', '{oops'))).toMatchObject({ ok: false, kind: 'not_json' });
  });

  it('refuses a result over maxBytes', async () => {
    expect(await pool.run(task('jq', '{body: [range(0; 1000)]}'))).toMatchObject({ ok: false, kind: 'too_large' });
  });

  it('stops a runaway program at the timeout, replaces the worker, and serves the next task', async () => {
    for (const [language, program] of [
      ['jq', 'def f: f; f'],
      ['jq', '[repeat(.)]'],
      ['jsonata', '($f := function($x){ $f($x) }; $f(1))'],
    ] as const) {
      const started = performance.now();
      expect(await pool.run(task(language, program)), program).toMatchObject({ ok: false, kind: 'timeout' });
      expect(performance.now() - started).toBeLessThan(2_500);
    }
    expect(text(await pool.run(task('jq', '{body: 1}')))).toBe('1');
  });

  it('bounds the queue: past maxQueued, busy; a task still queued at its deadline times out', async () => {
    const runaway = pool.run(task('jq', 'def f: f; f'));
    const queued = [pool.run(task('jq', '{body: 2}')), pool.run(task('jq', '{body: 3}'))];
    expect(await pool.run(task('jq', '{body: 4}'))).toMatchObject({ ok: false, kind: 'busy' });
    expect(await runaway).toMatchObject({ kind: 'timeout' });
    // Both waited behind the runaway for the whole timeout.
    for (const outcome of await Promise.all(queued)) expect(outcome).toMatchObject({ ok: false, kind: 'timeout' });
    expect(text(await pool.run(task('jq', '{body: 5}')))).toBe('5');
  });

  it('a worker that runs out of heap fails its task (not the gateway) and is replaced', async () => {
    const small = new TransformPool({ workers: 1, timeoutMs: 8000, maxQueued: 2, heapMb: 16 });
    try {
      const outcome = await small.run(task('jsonata', '$count([1..900000].{"k": $string($), "v": [$, $]})'));
      expect(outcome).toMatchObject({ ok: false, kind: 'failed', message: expect.stringContaining('out of memory') });
      expect(text(await small.run(task('jsonata', '6')))).toBe('6');
    } finally {
      await small.close();
    }
  });
});
