import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialiseEmbeddedPostgres, startEmbeddedPostgres, type EmbeddedPostgres } from '../src/index.js';

/**
 * Embedded PostgreSQL (PGlite) as `npm start` runs it: in a thread of its own, sized for one
 * service, its data kept across restarts.
 */
describe('embedded PostgreSQL', () => {
  let dataDir: string;
  let postgres: EmbeddedPostgres | undefined;

  const connect = async (url: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return client;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'embedded-postgres-'));
    postgres = await startEmbeddedPostgres(dataDir);
    // A new data directory is initialised first (initdb): a minute on a busy two-core machine.
  }, 180_000);

  afterAll(async () => {
    await postgres?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('runs with buffers and connection slots sized for one service, not a server', async () => {
    const client = await connect(postgres!.url);
    try {
      const shown = async (setting: string) => ((await client.query(`SHOW ${setting}`)).rows[0] as Record<string, string>)[setting];
      expect(await shown('shared_buffers')).toBe('16MB');
      expect(await shown('max_connections')).toBe('5');
    } finally {
      await client.end();
    }
  });

  it("keeps the caller's event loop turning while a query runs for a second or more", async () => {
    const client = await connect(postgres!.url);
    try {
      /** Runs a CPU-bound query of `rows` thousand rows, timing it and the caller's longest event-loop gap. */
      async function measure(rows: number): Promise<{ queryMs: number; longestGapMs: number }> {
        let longestGapMs = 0;
        let last = performance.now();
        const ticker = setInterval(() => {
          const now = performance.now();
          longestGapMs = Math.max(longestGapMs, now - last);
          last = now;
        }, 5);
        const began = performance.now();
        // Pure CPU inside PostgreSQL: in the caller's thread, it would hold the event loop throughout.
        await client.query(`SELECT count(*) FROM generate_series(1, ${rows}) a CROSS JOIN generate_series(1, 1000) b`);
        const queryMs = performance.now() - began;
        clearInterval(ticker);
        return { queryMs, longestGapMs };
      }
      // The same query takes from 0.4 s to several seconds by machine, load and Node version: grow it
      // until it runs long enough for a stall to show.
      let run = await measure(1000);
      for (let rows = 2000; run.queryMs <= 500 && rows <= 64_000; rows *= 2) run = await measure(rows);
      expect(run.queryMs).toBeGreaterThan(500);
      expect(run.longestGapMs).toBeLessThan(run.queryMs / 3);
    } finally {
      await client.end();
    }
  }, 120_000);

  it('keeps its data when stopped and started again on the same directory', async () => {
    const before = await connect(postgres!.url);
    await before.query('CREATE TABLE kept (name text)');
    await before.query("INSERT INTO kept VALUES ('still here')");
    await before.end();
    await postgres!.stop();
    postgres = undefined;

    postgres = await startEmbeddedPostgres(dataDir);
    const after = await connect(postgres.url);
    try {
      expect((await after.query('SELECT name FROM kept')).rows).toEqual([{ name: 'still here' }]);
    } finally {
      await after.end();
    }
  }, 120_000);

  it('initialises several new directories with one initdb, each then a database of its own', async () => {
    const dirs = [join(dataDir, 'first'), join(dataDir, 'second')];
    await initialiseEmbeddedPostgres(dirs);
    const [first, second] = [await startEmbeddedPostgres(dirs[0]!), await startEmbeddedPostgres(dirs[1]!)];
    try {
      const a = await connect(first.url);
      const b = await connect(second.url);
      await a.query('CREATE TABLE only_in_first (id int)');
      expect((await b.query("SELECT to_regclass('only_in_first') AS found")).rows).toEqual([{ found: null }]);
      await a.end();
      await b.end();
    } finally {
      await first.stop();
      await second.stop();
    }
  }, 180_000);
});
