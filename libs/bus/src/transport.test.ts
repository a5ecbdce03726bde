import { Logger } from '@nestjs/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NatsTransportLogger } from './transport.js';

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
