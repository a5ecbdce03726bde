import { createBusTransport, type BusTransport } from '@portcullis/bus';
import { subjects, type QuotaLeaseReply, type Reply } from '@portcullis/contracts';
import type { RunningService } from '@portcullis/http';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { firstValueFrom, timeout } from 'rxjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices, testServices } from '../../../tools/test/with-services.js';
import { createAuthApp, loadAuthConfig } from '../src/index.js';

const schema = `auth_quota_${randomBytes(6).toString('hex')}`;
const tag = randomBytes(4).toString('hex');

describeWithServices('durable quotas: auth.quota.lease (PostgreSQL + NATS)', () => {
  /** Two replicas on one schema, as in a scaled deployment: the queue group spreads leases over both. */
  const replicas: RunningService[] = [];
  let caller: BusTransport;
  const db = new pg.Client({ connectionString: testServices.databaseUrl });

  function startReplica(n: number): Promise<RunningService> {
    const config = loadAuthConfig({ AUTH_PORT: '0', HOST: '127.0.0.1', ADMIN_SECRET: 'auth-quota-int-secret-' + tag, LOG_LEVEL: 'silent' });
    const transport = createBusTransport({
      kind: 'nats',
      servers: [testServices.natsUrl],
      subjectPrefix: testServices.subjectPrefix,
      name: `auth-quota-int-${tag}-${n}`,
    });
    return createAuthApp(config, { transport, database: { url: testServices.databaseUrl, schema } });
  }

  beforeAll(async () => {
    await db.connect();
    replicas.push(await startReplica(1));
    replicas.push(await startReplica(2));
    caller = createBusTransport({
      kind: 'nats',
      servers: [testServices.natsUrl],
      subjectPrefix: testServices.subjectPrefix,
      name: `auth-quota-int-caller-${tag}`,
    });
    await caller.client.connect();
  });

  afterAll(async () => {
    await Promise.allSettled(replicas.map((replica) => replica.close()));
    await caller?.client.close();
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.end();
  });

  function leaseReply(request: Record<string, unknown>): Promise<Reply<QuotaLeaseReply>> {
    return firstValueFrom(caller.client.send<Reply<QuotaLeaseReply>>(subjects.authQuotaLease, request).pipe(timeout(10_000)));
  }

  async function lease(identity: string, units: number, quota_max: number, quota_renewal_rate: number): Promise<QuotaLeaseReply> {
    const reply = await leaseReply({ identity, units, quota_max, quota_renewal_rate });
    if (!reply.ok) throw new Error(JSON.stringify(reply.error));
    return reply.value;
  }

  it('grants min(units, remaining) and counts down to zero', async () => {
    const identity = `countdown-${tag}`;
    const before = Math.floor(Date.now() / 1000);
    const first = await lease(identity, 4, 10, 3600);
    expect(first).toMatchObject({ granted: 4, remaining: 6 });
    expect(first.renews_at).toBeGreaterThanOrEqual(before + 3599);
    expect(first.renews_at).toBeLessThanOrEqual(before + 3602);
    expect(await lease(identity, 4, 10, 3600)).toMatchObject({ granted: 4, remaining: 2, renews_at: first.renews_at });
    expect(await lease(identity, 4, 10, 3600)).toMatchObject({ granted: 2, remaining: 0 });
    expect(await lease(identity, 4, 10, 3600)).toMatchObject({ granted: 0, remaining: 0 });
  });

  it('quota_max -1 is unlimited and stores nothing', async () => {
    const identity = `unlimited-${tag}`;
    expect(await lease(identity, 50, -1, -1)).toEqual({ granted: 50, remaining: -1, renews_at: 0 });
    const rows = await db.query(`SELECT 1 FROM "${schema}".quota_usage WHERE identity = $1`, [identity]);
    expect(rows.rowCount).toBe(0);
  });

  it('concurrent leases over two replicas never grant more than the quota', async () => {
    const identity = `contended-${tag}`;
    const replies = await Promise.all(Array.from({ length: 60 }, () => lease(identity, 3, 100, 3600)));
    expect(replies.reduce((sum, reply) => sum + reply.granted, 0)).toBe(100);
    expect(replies.every((reply) => reply.granted >= 0 && reply.granted <= 3)).toBe(true);
    const stored = await db.query<{ used: string }>(`SELECT used FROM "${schema}".quota_usage WHERE identity = $1`, [identity]);
    expect(stored.rows[0]?.used).toBe('100');
  });

  it('renews on schedule: a lease after renews_at starts a new period', async () => {
    const identity = `renewing-${tag}`;
    const first = await lease(identity, 5, 5, 1);
    expect(first).toMatchObject({ granted: 5, remaining: 0 });
    expect(await lease(identity, 1, 5, 1)).toMatchObject({ granted: 0 });
    const deadline = Date.now() + 5_000;
    let renewed: QuotaLeaseReply;
    for (;;) {
      renewed = await lease(identity, 2, 5, 1);
      if (renewed.granted > 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(renewed).toMatchObject({ granted: 2, remaining: 3 });
    expect(renewed.renews_at).toBeGreaterThan(first.renews_at);
  });

  it('usage survives a restart of every auth replica', async () => {
    const identity = `durable-${tag}`;
    expect(await lease(identity, 7, 10, 3600)).toMatchObject({ granted: 7, remaining: 3 });
    await Promise.all(replicas.splice(0).map((replica) => replica.close()));
    replicas.push(await startReplica(3));
    expect(await lease(identity, 7, 10, 3600)).toMatchObject({ granted: 3, remaining: 0 });
  });

  it('names every bad field', async () => {
    const reply = await leaseReply({ identity: '', units: -1, quota_max: 'x', quota_renewal_rate: 1.5 });
    expect(reply).toMatchObject({ ok: false, error: { error: 'validation_failed' } });
    const fields = (reply as { error: { details: { field: string }[] } }).error.details.map((d) => d.field);
    expect(fields).toEqual(['identity', 'units', 'quota_max', 'quota_renewal_rate']);
  });
});
