import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createBusTransport } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import type { RunningService } from '@portcullis/http';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { controllerRoutes, type ControllerRoute } from '../../../tools/test/admin-routes.js';
import { waitFor } from '../../../tools/test/wait-for.js';
import { describeWithServices, testServices } from '../../../tools/test/with-services.js';
import { createGatewayApp, loadGatewayConfig } from '../src/index.js';
import { startStandInRegistry, type StandInRegistry } from './fixtures/stand-in-registry.js';

const secret = 'gateway-tyk-secret-' + randomBytes(12).toString('hex');
const tag = randomBytes(4).toString('hex');

/** Every way of not presenting the admin secret (`x-tyk-authorization: <secret>`) that a caller might try. */
const withoutSecret: [string, Record<string, string>][] = [
  ['no secret', {}],
  ['an empty secret', { 'x-tyk-authorization': '' }],
  ['a wrong secret', { 'x-tyk-authorization': `${secret}x` }],
  ['a prefix of the secret', { 'x-tyk-authorization': secret.slice(0, -1) }],
  ['the secret as a Bearer Authorization header', { authorization: `Bearer ${secret}` }],
];

/**
 * Every route of Tyk's Gateway API under /tyk/ (read from the controllers, so a new one is covered),
 * without the admin secret: 401 in Tyk's error shape, and nothing ran. Every /tyk/ handler that does
 * anything asks the registry or the auth service over the bus, so "nothing ran" is: no message on
 * this test's subjects but the gateway's own heartbeat.
 */
describeWithServices('gateway Tyk API: the admin secret closes every route', () => {
  let registry: StandInRegistry;
  let gateway: RunningService;
  let nats: NatsConnection;
  const busMessages: string[] = [];
  let routes: ControllerRoute[];

  beforeAll(async () => {
    routes = await controllerRoutes(new URL('../src/', import.meta.url), '/tyk/');
    nats = await connect({ servers: testServices.natsUrl, name: `gateway-tyk-secret-listener-${tag}` });
    const subscription = nats.subscribe(`${testServices.subjectPrefix}>`);
    void (async () => {
      for await (const message of subscription) {
        if (message.subject !== testServices.subjectPrefix + subjects.gatewayHeartbeat) busMessages.push(message.subject);
      }
    })();
    await nats.flush();
    registry = await startStandInRegistry(testServices.natsUrl, testServices.subjectPrefix);
    const config = loadGatewayConfig({ GATEWAY_PORT: '0', HOST: '127.0.0.1', ADMIN_SECRET: secret, LOG_LEVEL: 'silent' });
    gateway = await createGatewayApp(config, {
      transport: createBusTransport({
        kind: 'nats',
        servers: [testServices.natsUrl],
        subjectPrefix: testServices.subjectPrefix,
        name: `gateway-tyk-secret-${tag}`,
      }),
    });
    // Started once its first snapshot is in: from then on the gateway asks nothing on its own.
    await waitFor(async () => (await fetch(`${gateway.url}/ready`)).status === 200, { timeoutMs: 10_000, message: 'the gateway to load its snapshot' });
  });

  afterAll(async () => {
    await gateway?.close();
    await registry?.close();
    await nats?.drain();
  });

  it('finds the Tyk API routes to walk', () => {
    // A floor, so a broken route scan cannot pass by walking nothing.
    expect(routes.length).toBeGreaterThanOrEqual(20);
    expect(routes.map((route) => `${route.method} ${route.declared}`)).toEqual(
      expect.arrayContaining(['GET /tyk/apis', 'POST /tyk/keys', 'DELETE /tyk/policies/:id', 'POST /tyk/oauth/revoke', 'GET /tyk/reload', 'GET /tyk/*path']),
    );
  });

  it('answers 401 on every route for every way of not presenting the secret, and runs nothing', async () => {
    busMessages.length = 0;
    for (const route of routes) {
      for (const [how, headers] of withoutSecret) {
        const body =
          route.method === 'GET' || route.method === 'DELETE'
            ? undefined
            : JSON.stringify({ api_id: 'x', id: 'x', name: 'x', token: 'x', client_id: 'x', client_secret: 'x' });
        const response = await fetch(`${gateway.url}${route.path}`, {
          method: route.method,
          headers: { ...headers, 'content-type': 'application/json' },
          body,
        });
        const answer = (await response.json()) as { status?: string; error?: string };
        // At the first route that answers otherwise: a handler that ran may be slow to answer.
        expect(`${response.status} ${answer.status} ${answer.error}`, `${route.method} ${route.declared} with ${how}`).toBe('401 error unauthorized');
      }
    }
    await nats.flush();
    expect(busMessages).toEqual([]);
  });

  it('lets the secret through (the same routes are not closed to everyone)', async () => {
    const response = await fetch(`${gateway.url}/tyk/reload`, { headers: { 'x-tyk-authorization': secret } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', message: '' });
  });
});
