import { createBusTransport, type BusTransport } from '@portcullis/bus';
import { subjects, type HttpReply, type OAuthClientWithSecret, type OAuthTokenRequest, type Reply } from '@portcullis/contracts';
import type { RunningService } from '@portcullis/http';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { firstValueFrom, timeout } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRegistry, type TestRegistryService } from '../../../tools/test/registry-service.js';
import { describeWithServices, testServices } from '../../../tools/test/with-services.js';
import { waitFor } from '../../../tools/test/wait-for.js';
import { createAuthApp, loadAuthConfig } from '../src/index.js';

const schema = `auth_tokbus_${randomBytes(6).toString('hex')}`;
const tag = randomBytes(4).toString('hex');
const form = 'application/x-www-form-urlencoded';

interface Received {
  headers: IncomingHttpHeaders;
  body: Record<string, string>;
}

/** A real HTTP receiver for Tyk's key-change notifications; `failFirst` answers 503 that many times. */
async function startReceiver(failFirst = 0): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  let failures = failFirst;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (failures > 0) {
        failures--;
        res.writeHead(503).end();
        return;
      }
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/tyk-hooks/keys`,
    received,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

describeWithServices('token endpoint over the bus (auth.oauth.token), as a gateway calls it', () => {
  /** The registry the auth service asks whether the APIs and policies its credentials name exist. */
  let registry: TestRegistryService;
  let auth: RunningService;
  let caller: BusTransport;
  const db = new pg.Client({ connectionString: testServices.databaseUrl });
  let machine: OAuthClientWithSecret;
  let longLived: OAuthClientWithSecret;
  let webApp: OAuthClientWithSecret;

  beforeAll(async () => {
    await db.connect();
    registry = await startTestRegistry({ adminSecret: 'registry-for-token-over-bus-' + randomBytes(8).toString('hex') });
    await registry.define({ apis: ['openApi'], policies: ['openApi'] });
    const config = loadAuthConfig({ AUTH_PORT: '0', HOST: '127.0.0.1', ADMIN_SECRET: 'auth-tokbus-int-secret-' + tag, LOG_LEVEL: 'silent' });
    const transport = createBusTransport({
      kind: 'nats',
      servers: [testServices.natsUrl],
      subjectPrefix: testServices.subjectPrefix,
      name: `auth-tokbus-${tag}`,
    });
    auth = await createAuthApp(config, { transport, database: { url: testServices.databaseUrl, schema } });
    caller = createBusTransport({
      kind: 'nats',
      servers: [testServices.natsUrl],
      subjectPrefix: testServices.subjectPrefix,
      name: `auth-tokbus-caller-${tag}`,
    });
    await caller.client.connect();
    machine = await bus(subjects.authClientsCreate, {
      input: { client_name: 'machine', api_ids: ['openApi'], policy_ids: ['openApi'], grant_types: ['client_credentials'] },
    });
    longLived = await bus(subjects.authClientsCreate, {
      input: { client_name: 'long', api_ids: ['openApi'], access_token_ttl: 7200, grant_types: ['client_credentials'] },
    });
    webApp = await bus(subjects.authClientsCreate, {
      input: {
        client_name: 'web',
        api_ids: ['openApi'],
        policy_ids: ['openApi'],
        redirect_uris: ['http://www.test.fr'],
        grant_types: ['authorization_code', 'refresh_token'],
      },
    });
  });

  afterAll(async () => {
    await auth?.close();
    await caller?.client.close();
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.end();
    await registry?.destroy();
  });

  async function busReply<T>(subject: string, payload: unknown): Promise<Reply<T>> {
    return firstValueFrom(caller.client.send<Reply<T>>(subject, payload).pipe(timeout(5_000)));
  }

  async function bus<T>(subject: string, payload: unknown): Promise<T> {
    const reply = await busReply<T>(subject, payload);
    if (!reply.ok) throw new Error(`${subject} failed: ${JSON.stringify(reply.error)}`);
    return reply.value;
  }

  const token = (request: Partial<OAuthTokenRequest>) =>
    bus<HttpReply>(subjects.authOAuthToken, { api_id: 'openApi', content_type: form, body: '', ...request });
  const basic = (client: OAuthClientWithSecret, secret = client.client_secret!) => 'Basic ' + Buffer.from(`${client.client_id}:${secret}`).toString('base64');
  const postBody = (client: OAuthClientWithSecret, rest = 'grant_type=client_credentials') =>
    `client_id=${client.client_id}&client_secret=${client.client_secret}&${rest}`;

  const eventually = <T>(probe: () => T | undefined, what: string, timeoutMs = 5_000) =>
    waitFor(probe, { timeoutMs, intervalMs: 25, message: what }) as Promise<T>;

  describe('the same answers as POST /oauth/token', () => {
    it('issues a token for the API (aud) with the client in the form body, no-store', async () => {
      const answer = await token({ body: postBody(machine) });
      expect(answer.status).toBe(200);
      expect(answer.headers).toMatchObject({ 'Cache-Control': 'no-store', Pragma: 'no-cache', 'Content-Type': 'application/json; charset=utf-8' });
      const body = JSON.parse(answer.body);
      expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
      const { payload } = await jwtVerify(body.access_token, createRemoteJWKSet(new URL(`${auth.url}/.well-known/jwks.json`)), { typ: 'at+jwt' });
      expect(payload).toMatchObject({ aud: 'openApi', sub: machine.client_id, client_id: machine.client_id, pol: ['openApi'] });
    });

    it('issues with HTTP Basic passed as the authorization header', async () => {
      const answer = await token({ authorization: basic(machine), body: 'grant_type=client_credentials' });
      expect(answer.status).toBe(200);
    });

    it.each<[string, { authorization?: string; content_type?: string; body: string }, string | undefined]>([
      ['a wrong Basic secret', { authorization: 'Basic ' + Buffer.from('nobody:wrong').toString('base64'), body: 'grant_type=client_credentials' }, 'Basic'],
      ['a JSON body', { content_type: 'application/json', body: '{"grant_type":"client_credentials"}' }, undefined],
      ['a repeated parameter', { body: 'grant_type=client_credentials&grant_type=password' }, undefined],
      ['no grant_type', { body: 'client_id=x' }, undefined],
      ['an unknown grant type', { authorization: 'Basic ' + Buffer.from('nobody:wrong').toString('base64'), body: 'grant_type=magic' }, 'Basic'],
    ])('answers %s exactly as the HTTP endpoint does', async (_case, request, challenge) => {
      const overBus = await token(request);
      const overHttp = await fetch(`${auth.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': request.content_type ?? form, ...(request.authorization ? { authorization: request.authorization } : {}) },
        body: request.body,
      });
      expect(overBus.status).toBe(overHttp.status);
      expect(JSON.parse(overBus.body)).toEqual(await overHttp.json());
      expect(overBus.headers['Cache-Control']).toBe('no-store');
      expect(overHttp.headers.get('cache-control')).toBe('no-store');
      if (challenge) expect(overBus.headers['WWW-Authenticate']).toMatch(/^Basic realm=/);
      else expect(overBus.headers['WWW-Authenticate']).toBeUndefined();
    });
  });

  describe('narrowed to the API it came through', () => {
    it('refuses a client not allowed on this API with unauthorized_client', async () => {
      const answer = await token({ api_id: 'otherApi', body: postBody(machine) });
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ error: 'unauthorized_client' });
    });

    it('refuses a grant type the API does not allow', async () => {
      const answer = await token({ body: postBody(machine), allowed_grant_types: ['authorization_code', 'refresh_token'] });
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ error: 'unsupported_grant_type' });
    });

    it("uses the API's lifetime for a client without its own, and the client's when it has one", async () => {
      const apiTtl = JSON.parse((await token({ body: postBody(machine), access_token_ttl: 600 })).body);
      expect(apiTtl.expires_in).toBe(600);
      const clientTtl = JSON.parse((await token({ body: postBody(longLived), access_token_ttl: 600 })).body);
      expect(clientTtl.expires_in).toBe(7200);
    });

    it('refuses a malformed request from the gateway with a platform error naming the fields', async () => {
      const reply = await busReply(subjects.authOAuthToken, { body: '', access_token_ttl: -5, notifications: { oauth_on_keychange_url: 'ftp://x' } });
      expect(reply.ok).toBe(false);
      if (reply.ok) return;
      expect(reply.error.error).toBe('validation_failed');
      expect(reply.error.details?.map((d) => d.field).sort()).toEqual(['access_token_ttl', 'api_id', 'notifications']);
    });
  });

  describe("Tyk's key-change notifications", () => {
    it('POSTs new and refreshed tokens with X-Tyk-Shared-Secret, after answering', async () => {
      const receiver = await startReceiver();
      try {
        const notifications = { oauth_on_keychange_url: receiver.url, shared_secret: 'hook-secret-' + tag };
        const { code } = await bus<{ code: string }>(subjects.authAuthorizeClient, {
          api_id: 'openApi',
          response_type: 'code',
          client_id: webApp.client_id,
          redirect_uri: 'http://www.test.fr',
          sub: 'alice',
        });
        const issued = JSON.parse(
          (
            await token({
              authorization: basic(webApp),
              body: `grant_type=authorization_code&code=${code}&redirect_uri=${encodeURIComponent('http://www.test.fr')}`,
              notifications,
            })
          ).body,
        );
        expect(issued.refresh_token).toEqual(expect.any(String));
        const first = await eventually(() => receiver.received[0], 'the "new" notification');
        expect(first.headers['x-tyk-shared-secret']).toBe(notifications.shared_secret);
        expect(first.headers['content-type']).toBe('application/json');
        expect(first.body).toEqual({
          auth_code: code,
          new_oauth_token: issued.access_token,
          refresh_token: issued.refresh_token,
          old_refresh_token: '',
          notification_type: 'new',
        });

        const refreshed = JSON.parse(
          (await token({ authorization: basic(webApp), body: `grant_type=refresh_token&refresh_token=${issued.refresh_token}`, notifications })).body,
        );
        const second = await eventually(() => receiver.received[1], 'the "refresh" notification');
        expect(second.body).toEqual({
          auth_code: '',
          new_oauth_token: refreshed.access_token,
          refresh_token: refreshed.refresh_token,
          old_refresh_token: issued.refresh_token,
          notification_type: 'refresh',
        });
      } finally {
        await receiver.close();
      }
    });

    it('retries a receiver that fails at first', async () => {
      const receiver = await startReceiver(1);
      try {
        const answer = await token({ body: postBody(machine), notifications: { oauth_on_keychange_url: receiver.url, shared_secret: 's' } });
        expect(answer.status).toBe(200);
        expect(receiver.received).toHaveLength(0);
        // The second try comes about a second later (retry-policy.ts).
        const delivered = await eventually(() => receiver.received[0], 'the retried notification', 5_000);
        expect(delivered.body.new_oauth_token).toBe(JSON.parse(answer.body).access_token);
      } finally {
        await receiver.close();
      }
    });

    it('answers the token request even when the receiver is down', async () => {
      const answer = await token({ body: postBody(machine), notifications: { oauth_on_keychange_url: 'http://127.0.0.1:9/nowhere', shared_secret: 's' } });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body).access_token).toEqual(expect.any(String));
    });

    it('answers the token request without waiting for the receiver, which here takes the notification and never answers', async () => {
      // Had the answer waited for the notification, the notifier would have given up on a held
      // request (closing it) first: no clock involved.
      const held: { closed: boolean }[] = [];
      const server = createServer((req) => {
        const notification = { closed: false };
        held.push(notification);
        req.socket.on('close', () => (notification.closed = true));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tyk-hooks/keys`;
        const answer = await token({ body: postBody(machine), notifications: { oauth_on_keychange_url: url, shared_secret: 's' } });
        expect(answer.status).toBe(200);
        expect(held.filter((notification) => notification.closed)).toEqual([]);
        // And the notification did go out: it is being held right now.
        await eventually(() => held[0], 'the held notification');
        expect(held[0]!.closed).toBe(false);
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });
});
