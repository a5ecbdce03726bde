import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { BusModule, createBusTransport, replyFrom, type BusTransport } from '@portcullis/bus';
import { queues, subjects } from '@portcullis/contracts';
import { PortcullisError } from '@portcullis/errors';
import type { RunningService } from '@portcullis/http';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices, dropScratchSchemas, testServices } from '../../../tools/test/with-services.js';
import { createRegistryApp, loadRegistryConfig } from '../src/index.js';

/**
 * The registry's side of the OAuth admin API over real NATS: what it refuses itself, what exactly it
 * forwards, and that the answer (success or failure) comes back as the responder gave it. A stand-in
 * answers for the auth service here; e2e/oauth-admin.e2e.test.ts runs against the real one.
 */

const secret = 'oauth-admin-int-secret-' + randomBytes(8).toString('hex');
const schema = `registry_oauth_int_${randomBytes(6).toString('hex')}`;
const maxBodyBytes = 16_384;
const tag = randomBytes(4).toString('hex');

/** What the stand-in was sent, by subject. */
const received: { subject: string; payload: unknown }[] = [];

@Controller()
class StandInAuth {
  @MessagePattern(subjects.authUsersCreate, { queue: queues.auth })
  createUser(@Payload() payload: unknown) {
    received.push({ subject: subjects.authUsersCreate, payload });
    return replyFrom(() => ({ id: '00000000-0000-4000-8000-000000000001', username: 'ada', created_at: '2026-01-01T00:00:00.000Z', disabled: false }));
  }

  @MessagePattern(subjects.authInitialAccessTokensCreate, { queue: queues.auth })
  createInitialAccessToken(@Payload() payload: unknown) {
    received.push({ subject: subjects.authInitialAccessTokensCreate, payload });
    return replyFrom(() => ({ token: 'iat', expires_at: 1 }));
  }

  @MessagePattern(subjects.authClientsList, { queue: queues.auth })
  listClients(@Payload() payload: unknown) {
    received.push({ subject: subjects.authClientsList, payload });
    return replyFrom(() => []);
  }

  @MessagePattern(subjects.authClientsUpdate, { queue: queues.auth })
  updateClient(@Payload() payload: unknown) {
    received.push({ subject: subjects.authClientsUpdate, payload });
    return replyFrom(() => {
      throw new PortcullisError('validation_failed', undefined, [{ field: 'redirect_uris.0', message: 'must be an absolute URI without a fragment' }]);
    });
  }

  @MessagePattern(subjects.authClientsGet, { queue: queues.auth })
  getClient(@Payload() payload: { client_id: string }) {
    received.push({ subject: subjects.authClientsGet, payload });
    return replyFrom(() => {
      throw new PortcullisError('not_found', `No client with client_id ${JSON.stringify(payload.client_id)}`);
    });
  }

  @MessagePattern(subjects.authClientsDelete, { queue: queues.auth })
  deleteClient(@Payload() payload: { client_id: string }) {
    received.push({ subject: subjects.authClientsDelete, payload });
    return replyFrom(() => payload);
  }

  @MessagePattern(subjects.authSessionsList, { queue: queues.auth })
  listSessions(@Payload() payload: unknown) {
    received.push({ subject: subjects.authSessionsList, payload });
    return replyFrom(() => [{ id: 's1', user_id: 'u1', auth_time: '2026-01-01T00:00:00.000Z', amr: ['pwd'], expires_at: '2026-01-01T08:00:00.000Z' }]);
  }

  @MessagePattern(subjects.authSessionsRevoke, { queue: queues.auth })
  revokeSessions(@Payload() payload: { id?: string }) {
    received.push({ subject: subjects.authSessionsRevoke, payload });
    return replyFrom(() => {
      if (payload.id === 'gone') throw new PortcullisError('not_found', 'No live session with id "gone"');
      return { revoked: payload.id === undefined ? 2 : 1 };
    });
  }

  @MessagePattern(subjects.authConsentsList, { queue: queues.auth })
  listConsents(@Payload() payload: unknown) {
    received.push({ subject: subjects.authConsentsList, payload });
    return replyFrom(() => []);
  }

  @MessagePattern(subjects.authConsentsRevoke, { queue: queues.auth })
  revokeConsents(@Payload() payload: unknown) {
    received.push({ subject: subjects.authConsentsRevoke, payload });
    return replyFrom(() => ({ revoked: 1 }));
  }

  @MessagePattern(subjects.authKeysRotate, { queue: queues.auth })
  rotateKeys(@Payload() payload: unknown) {
    received.push({ subject: subjects.authKeysRotate, payload });
    // An unexpected failure on the auth service's side: only the generic code crosses the bus.
    return replyFrom(() => {
      throw new Error('disk on fire');
    });
  }
}

describeWithServices('registry OAuth admin API (PostgreSQL + NATS, stand-in auth service)', () => {
  let registry: RunningService;
  let standIn: INestMicroservice | undefined;

  beforeAll(async () => {
    const transport = createBusTransport({
      kind: 'nats',
      servers: [testServices.natsUrl],
      subjectPrefix: testServices.subjectPrefix,
      name: `registry-oauth-int-${tag}`,
    });
    const config = loadRegistryConfig({
      NATS_URL: testServices.natsUrl,
      NATS_SUBJECT_PREFIX: testServices.subjectPrefix,
      REGISTRY_PORT: '0',
      HOST: '127.0.0.1',
      ADMIN_SECRET: secret,
      LOG_LEVEL: 'silent',
      ADMIN_MAX_BODY_BYTES: String(maxBodyBytes),
    });
    registry = await createRegistryApp(config, { transport, database: { url: testServices.databaseUrl, schema } });
  });

  afterAll(async () => {
    await standIn?.close();
    await registry?.close();
    await dropScratchSchemas(schema);
  });

  async function startStandIn(): Promise<void> {
    const transport: BusTransport = createBusTransport({
      kind: 'nats',
      servers: [testServices.natsUrl],
      subjectPrefix: testServices.subjectPrefix,
      name: `stand-in-auth-${tag}`,
    });
    @Module({ imports: [BusModule.forRoot(transport)], controllers: [StandInAuth] })
    class StandInModule {}
    standIn = await NestFactory.createMicroservice(StandInModule, { strategy: transport.server, logger: false });
    await standIn.listen();
  }

  async function call(method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}) {
    const response = await fetch(`${registry.url}${path}`, {
      method,
      body: init.body,
      headers: init.headers ?? { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  // First, while nothing answers for the auth service.
  it('answers 503 service_unavailable while no auth service answers', async () => {
    const answer = await call('GET', '/admin/oauth/clients');
    expect(answer).toEqual({ status: 503, body: { error: 'service_unavailable', message: expect.any(String) } });
  });

  it('refuses without the admin secret before reading the body, even a malformed or oversized one', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(maxBodyBytes * 2) });
    for (const [method, path] of [
      ['POST', '/admin/oauth/clients'],
      ['POST', '/admin/oauth/users'],
      ['POST', '/admin/oauth/initial-access-tokens'],
      ['POST', '/admin/oauth/keys/rotate'],
    ]) {
      for (const body of ['{"oops":', big]) {
        for (const authorization of [undefined, `Bearer ${secret}x`, secret]) {
          const headers: Record<string, string> = { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) };
          const answer = await call(method!, path!, { body, headers });
          expect(answer.status, `${method} ${path} with ${authorization ?? 'no secret'}`).toBe(401);
          expect(answer.body.error).toBe('unauthorized');
        }
      }
    }
  });

  it('refuses what it cannot forward, naming the field, without asking anyone', async () => {
    received.length = 0;
    expect(await call('POST', '/admin/oauth/clients', { body: '[1]' })).toMatchObject({ status: 400, body: { details: [{ field: '(body)' }] } });
    expect(await call('POST', '/admin/oauth/users', { body: '"ada"' })).toMatchObject({ status: 400, body: { details: [{ field: '(body)' }] } });
    expect(await call('POST', '/admin/oauth/initial-access-tokens', { body: 'null' })).toMatchObject({ status: 400, body: { details: [{ field: '(body)' }] } });
    expect(await call('GET', '/admin/oauth/clients?api_id=a&api_id=b')).toMatchObject({ status: 400, body: { details: [{ field: 'api_id' }] } });
    const form = { authorization: `Bearer ${secret}`, 'content-type': 'application/x-www-form-urlencoded' };
    for (const path of ['/admin/oauth/clients', '/admin/oauth/users', '/admin/oauth/initial-access-tokens']) {
      expect((await call('POST', path, { body: 'a=b', headers: form })).status, path).toBe(415);
    }
    expect(received).toEqual([]);
  });

  it('forwards only what the auth service needs, and its answers as they are', async () => {
    await startStandIn();
    received.length = 0;

    const user = await call('POST', '/admin/oauth/users', { body: JSON.stringify({ username: 'ada', password: 'correct horse', admin: true }) });
    expect(user.status).toBe(201);
    expect(user.body).toEqual({ id: '00000000-0000-4000-8000-000000000001', username: 'ada', created_at: '2026-01-01T00:00:00.000Z', disabled: false });

    const token = await call('POST', '/admin/oauth/initial-access-tokens', { body: JSON.stringify({ uses: 2, api_ids: ['orders'], org_id: 'x' }) });
    expect(token).toEqual({ status: 201, body: { token: 'iat', expires_at: 1 } });
    const bodiless = await fetch(`${registry.url}/admin/oauth/initial-access-tokens`, { method: 'POST', headers: { authorization: `Bearer ${secret}` } });
    expect(bodiless.status).toBe(201);

    expect(await call('GET', '/admin/oauth/clients?api_id=orders')).toEqual({ status: 200, body: [] });
    expect(await call('GET', '/admin/oauth/clients')).toEqual({ status: 200, body: [] });

    const deleted = await call('DELETE', '/admin/oauth/clients/some%2Fclient');
    expect(deleted).toEqual({ status: 204, body: undefined });

    expect(received).toEqual([
      // Whatever else the body holds travels as the user's claims, for the auth service to check (it refuses unknown ones).
      { subject: subjects.authUsersCreate, payload: { username: 'ada', password: 'correct horse', claims: { admin: true } } },
      { subject: subjects.authInitialAccessTokensCreate, payload: { uses: 2, api_ids: ['orders'] } },
      { subject: subjects.authInitialAccessTokensCreate, payload: {} },
      { subject: subjects.authClientsList, payload: { api_id: 'orders' } },
      { subject: subjects.authClientsList, payload: {} },
      { subject: subjects.authClientsDelete, payload: { client_id: 'some/client' } },
    ]);
  });

  it("gives the auth service's failures the status and body it chose; its unexpected ones stay opaque", async () => {
    const invalid = await call('PUT', '/admin/oauth/clients/web', { body: JSON.stringify({ redirect_uris: ['x#y'] }) });
    expect(invalid).toEqual({
      status: 400,
      body: {
        error: 'validation_failed',
        message: 'The request is not valid',
        details: [{ field: 'redirect_uris.0', message: 'must be an absolute URI without a fragment' }],
      },
    });
    expect(received.at(-1)).toEqual({ subject: subjects.authClientsUpdate, payload: { client_id: 'web', input: { redirect_uris: ['x#y'] } } });

    expect(await call('GET', '/admin/oauth/clients/ghost')).toEqual({ status: 404, body: { error: 'not_found', message: 'No client with client_id "ghost"' } });

    const broken = await call('POST', '/admin/oauth/keys/rotate');
    expect(broken).toEqual({ status: 500, body: { error: 'internal', message: 'Internal error' } });
    expect(JSON.stringify(broken.body)).not.toContain('disk on fire');
  });

  it("lists and revokes a user's login sessions and consents, with the admin secret only", async () => {
    for (const [method, path] of [
      ['GET', '/admin/oauth/users/u1/sessions'],
      ['DELETE', '/admin/oauth/users/u1/sessions'],
      ['DELETE', '/admin/oauth/users/u1/sessions/s1'],
      ['GET', '/admin/oauth/users/u1/consents'],
      ['DELETE', '/admin/oauth/users/u1/consents/web'],
    ]) {
      expect((await call(method!, path!, { headers: { authorization: `Bearer ${secret}x` } })).status, `${method} ${path}`).toBe(401);
    }
    received.length = 0;
    expect(await call('GET', '/admin/oauth/users/u1/sessions')).toEqual({
      status: 200,
      body: [{ id: 's1', user_id: 'u1', auth_time: '2026-01-01T00:00:00.000Z', amr: ['pwd'], expires_at: '2026-01-01T08:00:00.000Z' }],
    });
    expect(await call('DELETE', '/admin/oauth/users/u1/sessions')).toEqual({ status: 200, body: { revoked: 2 } });
    expect(await call('DELETE', '/admin/oauth/users/u1/sessions/s1')).toEqual({ status: 204, body: undefined });
    expect((await call('DELETE', '/admin/oauth/users/u1/sessions/gone')).status).toBe(404);
    expect(await call('GET', '/admin/oauth/users/u1/consents')).toEqual({ status: 200, body: [] });
    expect(await call('DELETE', '/admin/oauth/users/u1/consents/web')).toEqual({ status: 204, body: undefined });
    expect(await call('DELETE', '/admin/oauth/users/u1/consents')).toEqual({ status: 200, body: { revoked: 1 } });
    expect(received).toEqual([
      { subject: subjects.authSessionsList, payload: { user_id: 'u1' } },
      { subject: subjects.authSessionsRevoke, payload: { user_id: 'u1' } },
      { subject: subjects.authSessionsRevoke, payload: { user_id: 'u1', id: 's1' } },
      { subject: subjects.authSessionsRevoke, payload: { user_id: 'u1', id: 'gone' } },
      { subject: subjects.authConsentsList, payload: { user_id: 'u1' } },
      { subject: subjects.authConsentsRevoke, payload: { user_id: 'u1', client_id: 'web' } },
      { subject: subjects.authConsentsRevoke, payload: { user_id: 'u1' } },
    ]);
  });
});
