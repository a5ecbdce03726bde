import { openDatabase } from '@portcullis/database';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices, dropScratchSchemas, testServices } from '../../../tools/test/with-services.js';
import { PortalSessions, SESSION_TTL_SECONDS } from '../src/portal/pages/portal-sessions.js';
import { PortalSessionStore } from '../src/portal/storage/portal-session-store.js';
import { registryEntities, registryMigrations } from '../src/schema.js';

/** The portal's server-side sessions on the real PostgreSQL, through the registry's migrations. */
describeWithServices('portal sessions', () => {
  const schema = `registry_sessions_${randomBytes(6).toString('hex')}`;
  let dataSource: DataSource;
  let sessions: PortalSessions;

  beforeAll(async () => {
    dataSource = await openDatabase({
      url: testServices.databaseUrl,
      schema,
      entities: registryEntities,
      migrations: registryMigrations,
      poolSize: 2,
      applicationName: 'pages-sessions-int',
    });
    sessions = new PortalSessions(new PortalSessionStore(dataSource));
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropScratchSchemas(schema);
  });

  async function developer(): Promise<string> {
    const id = randomUUID();
    await dataSource.query(`INSERT INTO "${schema}".developers (id, email, password_hash, status) VALUES ($1, $2, 'x', 'active')`, [id, `${id}@example.com`]);
    return id;
  }

  it('stores only the SHA-256 of the id the cookie carries, and finds the session by the id', async () => {
    const developerId = await developer();
    const { id, session } = await sessions.start(developerId);
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows: { id_hash: string; expires_at: Date; created_at: Date }[] = await dataSource.query(
      `SELECT * FROM "${schema}".portal_sessions WHERE developer_id = $1`,
      [developerId],
    );
    expect(rows.map((row) => row.id_hash)).toEqual([createHash('sha256').update(id).digest('hex')]);
    expect(JSON.stringify(rows)).not.toContain(id);
    expect(rows[0]!.expires_at.getTime() - rows[0]!.created_at.getTime()).toBe(SESSION_TTL_SECONDS * 1000);
    expect(await sessions.find(id)).toEqual(session);
    // Neither the hash itself, nor anything not shaped like an id, opens it.
    expect(await sessions.find(session.idHash)).toBeNull();
    expect(await sessions.find(`${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    expect(await sessions.find("' OR 1=1 --")).toBeNull();
    expect(await sessions.find(undefined)).toBeNull();
  });

  it('expires at its fixed lifetime, and expired rows are cleared when someone logs in', async () => {
    const developerId = await developer();
    const long = new Date(Date.now() - (SESSION_TTL_SECONDS + 60) * 1000);
    const { id } = await sessions.start(developerId, long);
    expect(await sessions.find(id, new Date(long.getTime() + 1000))).not.toBeNull();
    expect(await sessions.find(id)).toBeNull();
    await sessions.start(await developer());
    const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM "${schema}".portal_sessions WHERE developer_id = $1`, [developerId]);
    expect(count).toBe(0);
  });

  it("ends one session at logout, all of a developer's on reset, and goes with a deleted developer", async () => {
    const developerId = await developer();
    const other = await developer();
    const [first, second, theirs] = await Promise.all([sessions.start(developerId), sessions.start(developerId), sessions.start(other)]);
    await sessions.end(first.session);
    expect(await sessions.find(first.id)).toBeNull();
    expect(await sessions.find(second.id)).not.toBeNull();
    await sessions.endAllFor(developerId);
    expect(await sessions.find(second.id)).toBeNull();
    expect(await sessions.find(theirs.id)).not.toBeNull();
    await dataSource.query(`DELETE FROM "${schema}".developers WHERE id = $1`, [other]);
    expect(await sessions.find(theirs.id)).toBeNull();
  });
});
