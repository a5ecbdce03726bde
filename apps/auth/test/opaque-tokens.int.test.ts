import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createBusTransport, type BusTransport } from '@portcullis/bus';
import { subjects, type OAuthClientWithSecret, type Reply, type TokenIntrospection, type TokenRevokedEvent } from '@portcullis/contracts';
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { firstValueFrom, timeout } from 'rxjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestAuthService, type TestAuthService } from '../../../tools/test/auth-service.js';
import { startTestRegistry, type TestRegistryService } from '../../../tools/test/registry-service.js';
import { describeWithServices, testServices } from '../../../tools/test/with-services.js';
import { waitFor } from '../../../tools/test/wait-for.js';

const schema = `auth_opaque_${randomBytes(6).toString('hex')}`;
const tag = randomBytes(4).toString('hex');
const form = { 'content-type': 'application/x-www-form-urlencoded' };

interface TokenAnswer {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
  refresh_token?: string;
}

describeWithServices('opaque access tokens: issued, stored as hashes, introspected over HTTP and the bus, revoked (PostgreSQL + NATS)', () => {
  /** The registry the auth service asks whether the APIs and policies its credentials name exist. */
  let registry: TestRegistryService;
  let auth: TestAuthService;
  let caller: BusTransport;
  let nats: NatsConnection;
  const db = new pg.Client({ connectionString: testServices.databaseUrl });
  const revoked: TokenRevokedEvent[] = [];
  let opaque: OAuthClientWithSecret;
  let other: OAuthClientWithSecret;

  beforeAll(async () => {
    await db.connect();
    registry = await startTestRegistry({ adminSecret: 'registry-for-opaque-tokens-' + randomBytes(8).toString('hex') });
    await registry.define({ apis: ['orders'], policies: ['gold'] });
    nats = await connect({ servers: testServices.natsUrl, name: `auth-opaque-int-listener-${tag}` });
    const subscription = nats.subscribe(testServices.subjectPrefix + subjects.authTokenRevoked);
    void (async () => {
      for await (const message of subscription) revoked.push((message.json() as { data: TokenRevokedEvent }).data);
    })();
    await nats.flush();
    auth = await startTestAuthService({ adminSecret: 'auth-opaque-int-secret-' + tag, schema });
    caller = createBusTransport({
      kind: 'nats',
      servers: [testServices.natsUrl],
      subjectPrefix: testServices.subjectPrefix,
      name: `auth-opaque-int-caller-${tag}`,
    });
    await caller.client.connect();
    opaque = await bus(subjects.authClientsCreate, {
      input: {
        client_name: 'opaque',
        scope: 'read write',
        api_ids: ['orders'],
        policy_ids: ['gold'],
        grant_types: ['client_credentials', 'password', 'refresh_token'],
        access_token_format: 'opaque',
      },
    });
    other = await bus(subjects.authClientsCreate, { input: { client_name: 'other', scope: 'read', grant_types: ['client_credentials'] } });
  });

  afterAll(async () => {
    await auth?.destroy();
    await caller?.client.close();
    await nats?.drain();
    await db.end();
    await registry?.destroy();
  });

  async function bus<T>(subject: string, payload: unknown): Promise<T> {
    const reply = await firstValueFrom(caller.client.send<Reply<T>>(subject, payload).pipe(timeout(5_000)));
    if (!reply.ok) throw new Error(`${subject} failed: ${JSON.stringify(reply.error)}`);
    return reply.value;
  }

  const basic = (client: OAuthClientWithSecret) => ({
    ...form,
    authorization: 'Basic ' + Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64'),
  });
  const post = (path: string, body: string, headers: Record<string, string>) => fetch(`${auth.url}${path}`, { method: 'POST', headers, body });

  async function token(body = 'grant_type=client_credentials&scope=read'): Promise<TokenAnswer> {
    const response = await post('/oauth/token', body, basic(opaque));
    expect(response.status).toBe(200);
    return (await response.json()) as TokenAnswer;
  }

  const introspectHttp = async (value: string, by = other) =>
    (await post('/oauth/introspect', `token=${encodeURIComponent(value)}`, basic(by))).json() as Promise<Record<string, unknown>>;
  const introspectBus = (value: unknown) => bus<TokenIntrospection>(subjects.authTokensIntrospect, { token: value });

  it('gives the client an opaque token whose row holds its SHA-256 and claims, never the token', async () => {
    const answer = await token();
    expect(answer).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'read' });
    expect(answer.access_token).toMatch(/^pcat_[A-Za-z0-9_-]{43}$/);
    const hash = createHash('sha256').update(answer.access_token).digest();
    const rows = await db.query(`SELECT * FROM "${schema}".access_tokens WHERE token_hash = $1`, [hash]);
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]).toMatchObject({
      client_id: opaque.client_id,
      sub: opaque.client_id,
      scope: 'read',
      api_ids: ['orders'],
      policy_ids: ['gold'],
      kid: null,
    });
    expect(JSON.stringify(rows.rows[0])).not.toContain(answer.access_token.slice(5));
  });

  it('introspects it as active over HTTP (RFC 7662) and over the bus, with the same claims a JWT would carry', async () => {
    const { access_token: value } = await token();
    const overHttp = await introspectHttp(value);
    expect(overHttp).toMatchObject({
      active: true,
      token_type: 'Bearer',
      client_id: opaque.client_id,
      sub: opaque.client_id,
      scope: 'read',
      aud: 'orders',
      iss: auth.url,
      pol: ['gold'],
    });
    const overBus = await introspectBus(value);
    expect(overBus).toEqual({
      active: true,
      jti: overHttp.jti,
      client_id: opaque.client_id,
      sub: opaque.client_id,
      scope: 'read',
      aud: ['orders'],
      iss: auth.url,
      iat: overHttp.iat,
      exp: overHttp.exp,
      pol: ['gold'],
    });
    expect((overBus as { exp: number }).exp - (overBus as { iat: number }).iat).toBe(3600);
  });

  it('is inactive over the bus for garbage, a refresh token and a token never issued, without an error', async () => {
    const user = `ada-${tag}`;
    await bus(subjects.authUsersCreate, { username: user, password: 'correct horse battery' });
    const withRefresh = await token(`grant_type=password&username=${user}&password=correct+horse+battery`);
    expect(withRefresh.refresh_token).toBeDefined();
    for (const value of [withRefresh.refresh_token, `pcat_${'A'.repeat(43)}`, 'garbage', '', 42, null, 'x'.repeat(50_000)]) {
      expect(await introspectBus(value)).toEqual({ active: false });
    }
  });

  it('refreshes into a new opaque token, and revokes one (RFC 7009) with auth.token.revoked naming its jti', async () => {
    const user = `bob-${tag}`;
    await bus(subjects.authUsersCreate, { username: user, password: 'correct horse battery' });
    const first = await token(`grant_type=password&username=${user}&password=correct+horse+battery`);
    const second = await token(`grant_type=refresh_token&refresh_token=${first.refresh_token}`);
    expect(second.access_token).toMatch(/^pcat_/);
    expect(second.access_token).not.toBe(first.access_token);
    const { jti } = (await introspectBus(second.access_token)) as { jti: string };

    // RFC 7009 §2.1: another client cannot revoke it.
    const stranger = await post('/oauth/revoke', `token=${second.access_token}`, basic(other));
    expect(stranger.status).toBe(400);
    expect(await introspectBus(second.access_token)).toMatchObject({ active: true });

    const response = await post('/oauth/revoke', `token=${second.access_token}&token_type_hint=access_token`, basic(opaque));
    expect(response.status).toBe(200);
    await waitFor(() => revoked.find((event) => event.jti === jti), { timeoutMs: 5_000, intervalMs: 25, message: 'auth.token.revoked' });
    expect(await introspectBus(second.access_token)).toEqual({ active: false });
    expect(await introspectHttp(second.access_token)).toEqual({ active: false });
    expect(await introspectBus(first.access_token)).toMatchObject({ active: true });
  });
});
