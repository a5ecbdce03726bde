import { createBusTransport, type BusTransport } from '@portcullis/bus';
import { subjects, type OAuthClientWithSecret, type Reply, type ReplyOf, type RequestOf, type RequestSubject, type UserSummary } from '@portcullis/contracts';
import type { RunningService } from '@portcullis/http';
import { createHash, randomBytes } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import pg from 'pg';
import { firstValueFrom, timeout } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithServices, testServices } from '../../../tools/test/with-services.js';
import { createAuthApp, loadAuthConfig } from '../src/index.js';

const schema = `auth_brute_${randomBytes(6).toString('hex')}`;
const tag = randomBytes(4).toString('hex');
const redirectUri = 'http://app.test/callback';
const password = 'correct horse battery staple';
const insecure = { [oauth.allowInsecureRequests]: true } as const;
/** The documented defaults (docs/oauth.md "Brute-force throttles"): this test runs the service as shipped. */
const clientLimit = 10;
const loginLimit = 5;

function hiddenFields(page: string): Record<string, string> {
  const unescape = (value: string) =>
    value
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  return Object.fromEntries([...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, unescape(m[2]!)]));
}

/**
 * Brute force at the auth service, through its real HTTP endpoints (driven by oauth4webapi where a
 * client would be) on the real PostgreSQL: failed client secrets per client_id, failed passwords per
 * username, 429 + Retry-After, and the ways a lock ends.
 */
describeWithServices('brute-force throttles at the auth service (PostgreSQL + NATS, real HTTP)', () => {
  let auth: RunningService;
  let caller: BusTransport;
  let as: oauth.AuthorizationServer;
  const db = new pg.Client({ connectionString: testServices.databaseUrl });
  let user: UserSummary;
  let passwordClient: OAuthClientWithSecret;

  async function request<S extends RequestSubject>(subject: S, payload: RequestOf<S>): Promise<Reply<ReplyOf<S>>> {
    return firstValueFrom(caller.client.send<Reply<ReplyOf<S>>>(subject, payload).pipe(timeout(10_000)));
  }

  async function value<S extends RequestSubject>(subject: S, payload: RequestOf<S>): Promise<ReplyOf<S>> {
    const reply = await request(subject, payload);
    if (!reply.ok) throw new Error(`${subject}: ${JSON.stringify(reply.error)}`);
    return reply.value;
  }

  const newClient = (input: Record<string, unknown> = {}) =>
    value(subjects.authClientsCreate, { input: { grant_types: ['client_credentials'], scope: 'read', ...input } });

  /** A client_credentials request as oauth4webapi sends it; answers the raw response. */
  const clientCredentials = (clientId: string, secret: string) =>
    oauth.clientCredentialsGrantRequest(as, { client_id: clientId }, oauth.ClientSecretBasic(secret), {}, insecure);

  /** What oauth4webapi makes of a token answer: the tokens, or the RFC 6749 error it threw. */
  async function processed(response: Response, clientId: string): Promise<oauth.TokenEndpointResponse | oauth.ResponseBodyError> {
    try {
      return await oauth.processClientCredentialsResponse(as, { client_id: clientId }, response);
    } catch (error) {
      if (error instanceof oauth.ResponseBodyError) return error;
      throw error;
    }
  }

  async function failWrongSecrets(clientId: string, times: number): Promise<Response[]> {
    const answers: Response[] = [];
    for (let i = 0; i < times; i += 1) answers.push(await clientCredentials(clientId, `wrong secret ${i}`));
    return answers;
  }

  const passwordGrant = (username: string, secret: string) =>
    fetch(`${auth.url}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${passwordClient.client_id}:${passwordClient.client_secret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'password', username, password: secret }),
    });

  const failuresRow = async (table: string, account: string) =>
    (await db.query(`SELECT * FROM "${schema}".${table} WHERE account_hash = $1`, [createHash('sha256').update(account).digest('hex')])).rows[0];

  beforeAll(async () => {
    await db.connect();
    const config = loadAuthConfig({ AUTH_PORT: '0', HOST: '127.0.0.1', ADMIN_SECRET: 'brute-force-int-secret-' + tag, LOG_LEVEL: 'silent' });
    expect(config.throttles).toEqual({
      logins: { maxFailures: loginLimit, windowSeconds: 900, lockSeconds: 900 },
      clients: { maxFailures: clientLimit, windowSeconds: 300, lockSeconds: 300 },
    });
    const transport = createBusTransport({
      kind: 'nats',
      servers: [testServices.natsUrl],
      subjectPrefix: testServices.subjectPrefix,
      name: `auth-brute-${tag}`,
    });
    auth = await createAuthApp(config, { transport, database: { url: testServices.databaseUrl, schema } });
    caller = createBusTransport({ kind: 'nats', servers: [testServices.natsUrl], subjectPrefix: testServices.subjectPrefix, name: `auth-brute-caller-${tag}` });
    await caller.client.connect();
    const issuer = new URL(auth.url);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
    user = await value(subjects.authUsersCreate, { username: `alice-${tag}`, password });
    passwordClient = await newClient({ grant_types: ['password'] });
  });

  afterAll(async () => {
    await auth?.close();
    await caller?.client.close();
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.end();
  });

  describe('client secrets, per client_id', () => {
    it(`${clientLimit} wrong secrets lock the client: 429 slow_down with Retry-After, and the right secret is refused too`, async () => {
      const client = await newClient();
      const answers = await failWrongSecrets(client.client_id, clientLimit);
      expect(answers.slice(0, -1).map((answer) => answer.status)).toEqual(Array(clientLimit - 1).fill(401));
      const locking = answers.at(-1)!;
      expect(locking.status).toBe(429);
      expect(locking.headers.get('retry-after')).toBe('300');
      expect(locking.headers.get('cache-control')).toBe('no-store');
      expect(locking.headers.get('www-authenticate')).toBeNull();
      expect(await locking.json()).toEqual({ error: 'slow_down', error_description: 'Too many failed attempts for this client; retry after 300 seconds' });

      const right = await clientCredentials(client.client_id, client.client_secret!);
      expect(right.status).toBe(429);
      expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(290);
      expect(await processed(right, client.client_id)).toMatchObject({ status: 429, error: 'slow_down' });
      expect(await failuresRow('client_auth_failures', client.client_id)).toMatchObject({ failures: clientLimit });
    });

    it("the lock holds wherever the client authenticates: introspection, revocation, and Tyk's revoke over the bus", async () => {
      const client = await newClient();
      const { access_token: token } = (await processed(
        await clientCredentials(client.client_id, client.client_secret!),
        client.client_id,
      )) as oauth.TokenEndpointResponse;
      // Introspection counts wrong secrets as the token endpoint does: they share the client authenticator.
      for (let i = 0; i < clientLimit; i += 1)
        await oauth.introspectionRequest(as, { client_id: client.client_id }, oauth.ClientSecretPost(`wrong ${i}`), token, insecure);
      const auth = oauth.ClientSecretBasic(client.client_secret!);
      const introspection = await oauth.introspectionRequest(as, { client_id: client.client_id }, auth, token, insecure);
      expect(introspection.status).toBe(429);
      expect(introspection.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await introspection.json()).toMatchObject({ error: 'slow_down' });
      const revocation = await oauth.revocationRequest(as, { client_id: client.client_id }, auth, token, insecure);
      expect(revocation.status).toBe(429);
      expect(await revocation.json()).toMatchObject({ error: 'slow_down' });
      expect(await request(subjects.authTokensRevoke, { client_id: client.client_id, client_secret: client.client_secret!, token })).toMatchObject({
        ok: false,
        error: { error: 'rate_limited' },
      });
    });

    it(`guesses sent all at once are counted: of 25 in flight ${clientLimit - 1} get 401, the rest 429`, async () => {
      const client = await newClient();
      const answers = await Promise.all(Array.from({ length: 25 }, (_, i) => clientCredentials(client.client_id, `parallel guess ${i}`)));
      const statuses = answers.map((answer) => answer.status);
      expect(statuses.filter((status) => status === 401)).toHaveLength(clientLimit - 1);
      expect(statuses.filter((status) => status === 429)).toHaveLength(25 - (clientLimit - 1));
      expect((await clientCredentials(client.client_id, client.client_secret!)).status).toBe(429);
    });

    it('a client sending many token requests at once with its right secret gets every token (nothing counted, no 429)', async () => {
      const client = await newClient();
      // Every row the throttle ever writes for this client is logged, so "nothing counted" is seen even
      // when a write was cleared again before the requests ended.
      await db.query(`CREATE TABLE IF NOT EXISTS "${schema}".throttle_writes (account_hash text)`);
      await db.query(
        `CREATE OR REPLACE FUNCTION "${schema}".log_throttle_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO "${schema}".throttle_writes VALUES (NEW.account_hash); RETURN NEW; END $$`,
      );
      await db.query(
        `CREATE OR REPLACE TRIGGER log_writes AFTER INSERT OR UPDATE ON "${schema}".client_auth_failures FOR EACH ROW EXECUTE FUNCTION "${schema}".log_throttle_write()`,
      );
      const answers = await Promise.all(Array.from({ length: 3 * clientLimit }, () => clientCredentials(client.client_id, client.client_secret!)));
      expect(answers.map((answer) => answer.status)).toEqual(Array(3 * clientLimit).fill(200));
      const writes = await db.query(`SELECT count(*)::int AS n FROM "${schema}".throttle_writes WHERE account_hash = $1`, [
        createHash('sha256').update(client.client_id).digest('hex'),
      ]);
      expect(writes.rows[0].n).toBe(0);
    });

    it('a client_id nobody has locks alike (the lock tells no one which exist); a public client is never counted', async () => {
      const ghost = `ghost-${tag}`;
      const answers = await failWrongSecrets(ghost, clientLimit);
      expect(answers.at(-1)!.status).toBe(429);
      // A stranger's secrets against a public client's id lock that id for secrets; the client itself sends none.
      const spa = await value(subjects.authClientsCreate, {
        input: { redirect_uris: [redirectUri], token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], scope: 'read' },
      });
      expect((await failWrongSecrets(spa.client_id, clientLimit)).at(-1)!.status).toBe(429);
      const asPublic = await oauth.introspectionRequest(as, { client_id: spa.client_id }, oauth.None(), 'some-token', insecure);
      expect(asPublic.status).toBe(200);
    });

    it('a secret rotation lifts the lock: the new secret works at once, the old one stays refused', async () => {
      const client = await newClient();
      await failWrongSecrets(client.client_id, clientLimit);
      expect((await clientCredentials(client.client_id, client.client_secret!)).status).toBe(429);
      const rotated = await value(subjects.authClientsRotateSecret, { client_id: client.client_id });
      expect(await processed(await clientCredentials(client.client_id, rotated.client_secret!), client.client_id)).toMatchObject({
        access_token: expect.any(String),
      });
      expect((await clientCredentials(client.client_id, client.client_secret!)).status).toBe(401);
    });

    it("an admin's unlock lifts the lock; an unknown client is not_found", async () => {
      const client = await newClient();
      await failWrongSecrets(client.client_id, clientLimit);
      expect((await clientCredentials(client.client_id, client.client_secret!)).status).toBe(429);
      expect(await value(subjects.authClientsUnlock, { client_id: client.client_id })).toEqual({ client_id: client.client_id });
      expect(await processed(await clientCredentials(client.client_id, client.client_secret!), client.client_id)).toMatchObject({
        access_token: expect.any(String),
      });
      expect(await request(subjects.authClientsUnlock, { client_id: `nobody-${tag}` })).toMatchObject({ ok: false, error: { error: 'not_found' } });
    });

    it('the lock runs out by itself: once its time has passed, the right secret works and the count starts again', async () => {
      const client = await newClient();
      await failWrongSecrets(client.client_id, clientLimit);
      expect((await clientCredentials(client.client_id, client.client_secret!)).status).toBe(429);
      // Five minutes pass (the database's clock is the throttle's only clock).
      await db.query(
        `UPDATE "${schema}".client_auth_failures SET locked_until = now() - interval '1 second', first_failure_at = now() - interval '6 minutes' WHERE account_hash = $1`,
        [createHash('sha256').update(client.client_id).digest('hex')],
      );
      expect((await clientCredentials(client.client_id, client.client_secret!)).status).toBe(200);
      expect((await clientCredentials(client.client_id, 'wrong again')).status).toBe(401);
    });
  });

  describe('user passwords, per username', () => {
    it(`${loginLimit} wrong passwords at the password grant lock the username; an admin's unlock lifts it`, async () => {
      for (let i = 0; i < loginLimit - 1; i += 1) {
        const answer = await passwordGrant(user.username, `wrong password ${i}`);
        expect(answer.status).toBe(400);
        expect(await answer.json()).toMatchObject({ error: 'invalid_grant' });
      }
      const locking = await passwordGrant(user.username, 'wrong password 5');
      expect(locking.status).toBe(429);
      expect(locking.headers.get('retry-after')).toBe('900');
      expect(await locking.json()).toEqual({ error: 'slow_down', error_description: 'Too many failed attempts for this username; retry after 900 seconds' });
      expect((await passwordGrant(user.username, password)).status).toBe(429);
      expect(await value(subjects.authUsersUnlock, { id: user.id })).toEqual({ id: user.id });
      expect((await passwordGrant(user.username, password)).status).toBe(200);
      expect(await request(subjects.authUsersUnlock, { id: '00000000-0000-4000-8000-000000000000' })).toMatchObject({
        ok: false,
        error: { error: 'not_found' },
      });
    });

    it('the login page counts the same username: a 429 page with Retry-After, the right password refused, no code issued', async () => {
      const codes = async () => Number((await db.query(`SELECT count(*) AS n FROM "${schema}".authorization_codes`)).rows[0].n);
      const web = await newClient({ redirect_uris: [redirectUri], grant_types: ['authorization_code'] });
      const url = new URL(as.authorization_endpoint!);
      for (const [name, parameter] of Object.entries({ response_type: 'code', client_id: web.client_id, redirect_uri: redirectUri, scope: 'read', state: 's' }))
        url.searchParams.set(name, parameter);
      const page = await fetch(url, { redirect: 'manual' });
      const cookie = (page.headers.get('set-cookie') ?? '').split(';', 1)[0]!;
      const fields = hiddenFields(await page.text());
      const submit = (secret: string) =>
        fetch(`${auth.url}/oauth/authorize`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
          body: new URLSearchParams({ ...fields, username: user.username, password: secret, decision: 'approve' }),
        });
      const before = await codes();
      // Two failures at the password grant and three at the page: one count per username.
      for (let i = 0; i < 2; i += 1) expect((await passwordGrant(user.username, `wrong ${i}`)).status).toBe(400);
      for (let i = 0; i < loginLimit - 3; i += 1) expect((await submit(`wrong page ${i}`)).status).toBe(200);
      const locked = await submit('wrong page last');
      expect(locked.status).toBe(429);
      expect(locked.headers.get('retry-after')).toBe('900');
      expect(locked.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(locked.headers.get('location')).toBeNull();
      const text = await locked.text();
      expect(text).toContain('Too many attempts');
      expect(text).toContain('Wait 15 minutes');
      expect((await submit(password)).status).toBe(429);
      expect(await codes()).toBe(before);
      await value(subjects.authUsersUnlock, { id: user.id });
      expect((await submit(password)).status).toBe(302);
      expect(await codes()).toBe(before + 1);
    });

    it('guesses sent all at once at the password grant: only the limit reach scrypt; a username nobody has locks alike', async () => {
      const ghost = `nobody-${tag}`;
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => passwordGrant(ghost, `guess ${i}`)));
      const statuses = answers.map((answer) => answer.status);
      expect(statuses.filter((status) => status === 400)).toHaveLength(loginLimit - 1);
      expect(statuses.filter((status) => status === 429)).toHaveLength(12 - (loginLimit - 1));
      const row = await failuresRow('user_login_failures', ghost);
      expect(row).toMatchObject({ locked_until: expect.any(Date) });
      expect(JSON.stringify(row)).not.toContain(ghost);
    });

    it('an unknown username costs a scrypt like a wrong password does (no timing oracle)', async () => {
      const timed = async (username: string, secret: string) => {
        const started = performance.now();
        expect((await passwordGrant(username, secret)).status).toBe(400);
        return performance.now() - started;
      };
      const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
      const known = await value(subjects.authUsersCreate, { username: `timed-${tag}`, password });
      const wrong: number[] = [];
      const unknown: number[] = [];
      for (let round = 0; round < 3; round += 1) {
        // Under the limit each round (a right password clears the count), so every attempt reaches its check.
        for (let i = 0; i < loginLimit - 2; i += 1) {
          wrong.push(await timed(known.username, 'wrong'));
          unknown.push(await timed(`ghost-${round}-${i}-${tag}`, 'wrong'));
        }
        expect((await passwordGrant(known.username, password)).status).toBe(200);
      }
      // Without the dummy hash an unknown user answers in a few ms against tens of ms for a scrypt.
      expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.4);
    });
  });
});
