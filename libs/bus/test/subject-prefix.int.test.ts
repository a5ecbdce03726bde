import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, MessagePattern } from '@nestjs/microservices';
import { queues, subjects } from '@portcullis/contracts';
import { firstValueFrom, timeout } from 'rxjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices, testServices } from '../../../tools/test/with-services.js';
import { createBusTransport, type BusTransport } from '../src/transport.js';

/**
 * Two deployments on one NATS, told apart only by their subject prefix: each answers its own
 * requests and hears its own events, although both use the same subjects and queue group.
 */
describeWithServices('subject prefix on a shared NATS', () => {
  const heard: Record<string, unknown[]> = { a: [], b: [] };
  const apps: INestMicroservice[] = [];
  const clients: Record<string, BusTransport> = {};

  function moduleAnswering(name: 'a' | 'b') {
    @Controller()
    class Answering {
      @MessagePattern(subjects.authPing, { queue: queues.auth })
      ping() {
        return { ok: true, value: name };
      }
      @EventPattern(subjects.authClientChanged)
      changed(event: unknown) {
        heard[name]!.push(event);
      }
    }
    @Module({ controllers: [Answering] })
    class AnsweringModule {}
    return AnsweringModule;
  }

  beforeAll(async () => {
    const run = `t${Date.now().toString(36)}`;
    for (const name of ['a', 'b'] as const) {
      const transport = createBusTransport({ kind: 'nats', servers: [testServices.natsUrl], name: `prefix-${name}`, subjectPrefix: `${run}-${name}.` });
      const app = await NestFactory.createMicroservice(moduleAnswering(name), { strategy: transport.server, logger: false });
      await app.listen();
      apps.push(app);
      clients[name] = createBusTransport({ kind: 'nats', servers: [testServices.natsUrl], name: `prefix-client-${name}`, subjectPrefix: `${run}-${name}.` });
      await clients[name]!.client.connect();
    }
  });

  afterAll(async () => {
    await Promise.all(Object.values(clients).map((t) => t.client.close()));
    await Promise.all(apps.map((app) => app.close()));
  });

  it('routes each request to the deployment with the same prefix', async () => {
    for (let i = 0; i < 10; i++) {
      for (const name of ['a', 'b'] as const) {
        const reply = await firstValueFrom(clients[name]!.client.send(subjects.authPing, {}).pipe(timeout(3_000)));
        expect(reply).toEqual({ ok: true, value: name });
      }
    }
  });

  it('delivers events only within the same prefix', async () => {
    await firstValueFrom(clients.a!.client.emit(subjects.authClientChanged, { client_id: 'x', change: 'created' }), { defaultValue: undefined });
    await expect.poll(() => heard.a!.length, { timeout: 3_000 }).toBe(1);
    // A stray delivery to b was routed when a's was: b hearing its own event sent after it means
    // a stray one would have arrived by now. None must have.
    await firstValueFrom(clients.b!.client.emit(subjects.authClientChanged, { client_id: 'marker', change: 'created' }), { defaultValue: undefined });
    await expect.poll(() => heard.b!.length, { timeout: 3_000 }).toBeGreaterThan(0);
    expect(heard.b).toEqual([{ client_id: 'marker', change: 'created' }]);
  });
});
