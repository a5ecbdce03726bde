import { Logger } from '@nestjs/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Bus } from './bus.js';
import { NatsTransportLogger, transportMaxPayload, type BusTransport } from './transport.js';

describe('NatsTransportLogger', () => {
  afterEach(() => vi.restoreAllMocks());

  it('warns of a lost NATS connection and keeps every other transport error an error', () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const logger = new NatsTransportLogger('ServerNats');

    logger.error('NatsError: type: "disconnect".');
    expect(warn).toHaveBeenCalledWith('NatsError: type: "disconnect".');

    logger.error('NatsError: type: "error", error: "Permissions Violation for Subscription".');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(error).toHaveBeenCalledWith('NatsError: type: "error", error: "Permissions Violation for Subscription".');
    expect(error).toHaveBeenCalledTimes(1);
  });
});

/** One end of a NATS transport: connected to a server announcing `maxPayload`, or not connected yet (undefined). */
function end(maxPayload: number | undefined | 'no info') {
  return {
    unwrap: () => {
      if (maxPayload === undefined) throw new Error('Not initialized. Please call the "connect" method first.');
      return maxPayload === 'no info' ? {} : { info: { max_payload: maxPayload } };
    },
  };
}
const natsTransport = (client: ReturnType<typeof end>, server: ReturnType<typeof end>) => ({ kind: 'nats', client, server }) as unknown as BusTransport;

describe('transportMaxPayload', () => {
  it('is what the connected server announced, the smaller of the two connections', () => {
    expect(transportMaxPayload(natsTransport(end(65_536), end(65_536)))).toBe(65_536);
    expect(transportMaxPayload(natsTransport(end(1_048_576), end(65_536)))).toBe(65_536);
    // The client connects lazily: the server end alone is enough.
    expect(transportMaxPayload(natsTransport(end(undefined), end(65_536)))).toBe(65_536);
  });

  it('is unknown before either end has connected, and in-process (no limit)', () => {
    expect(transportMaxPayload(natsTransport(end(undefined), end(undefined)))).toBeUndefined();
    expect(transportMaxPayload(natsTransport(end('no info'), end(undefined)))).toBeUndefined();
    expect(transportMaxPayload({ kind: 'in-process', client: end(1), server: end(1) } as unknown as BusTransport)).toBeUndefined();
  });

  it('is read at each call, so a reconnect to a server with another limit shows at once (Bus.messagePieceBytes)', () => {
    const info = { max_payload: 65_536 };
    const connected = { unwrap: () => ({ info }) };
    const bus = new Bus(natsTransport(connected, connected));
    expect(bus.maxPayloadBytes()).toBe(65_536);
    expect(bus.messagePieceBytes()).toBe(16_384);
    info.max_payload = 4 * 1024 * 1024;
    expect(bus.messagePieceBytes()).toBe(1024 * 1024);
  });
});
