import type { LoggerService } from '@nestjs/common';
import { pino, type Logger, type LevelWithSilent } from 'pino';

/**
 * Headers and fields that carry secrets are censored wherever they appear in a log line: a log
 * is the easiest place for a secret to leak.
 */
const redact = {
  paths: [
    'authorization',
    'secret',
    'password',
    'client_secret',
    '*.authorization',
    '*.secret',
    '*.password',
    '*.client_secret',
    'headers.authorization',
    'headers["x-tyk-authorization"]',
    'headers.cookie',
    'req.headers.authorization',
    'req.headers["x-tyk-authorization"]',
    'req.headers.cookie',
  ],
  censor: '[redacted]',
};

export function createLogger(service: string, level: LevelWithSilent = 'info'): Logger {
  return pino({ name: service, level, redact, base: { service } });
}

/** NestJS's own messages (startup, routes, transport status) written through pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
  fatal(message: unknown, context?: string): void {
    this.logger.fatal({ context }, String(message));
  }
}

export type { Logger };
