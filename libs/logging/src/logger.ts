import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger, type LevelWithSilent, type LoggerOptions } from 'pino';
import { errorForLog, errorSummary, serializeError } from './error-for-log.js';
import { censorSecrets } from './secret-fields.js';

let processOutput: DestinationStream | undefined;

/**
 * Where every logger made from now on without a destination of its own writes (pino's JSON on
 * stdout until this is called): one process, one output, whichever part makes the logger.
 */
export function setLogOutput(destination: DestinationStream): void {
  processOutput = destination;
}

/**
 * A log is the easiest place for a secret to leak: every logged object has its secret-named fields
 * censored at any depth (secret-fields.ts), and errors are written without what they carry
 * (error-for-log.ts). Messages are the caller's text: put values in fields, not in messages.
 */
export function createLogger(service: string, level: LevelWithSilent = 'info', destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    name: service,
    level,
    base: { service },
    formatters: { log: (object) => censorSecrets(object) },
    serializers: { err: serializeError, error: serializeError },
    hooks: {
      // `logger.error(err)` makes pino take err.message as the line's message, quoted values and all.
      logMethod(args, method) {
        const [first, ...rest] = args as unknown[];
        if (first instanceof Error && typeof rest[0] !== 'string') return method.apply(this, [{ err: first }, errorSummary(first), ...rest] as never);
        return method.apply(this, args);
      },
    },
  };
  const target = destination ?? processOutput;
  return target ? pino(options, target) : pino(options);
}

/** NestJS's own messages (startup, routes, transport status) written through pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    // Nest's own handlers pass the error itself at times: what it carries stays out of the log.
    if (message instanceof Error) this.logger.error({ context }, errorForLog(message));
    else this.logger.error({ context, trace }, String(message));
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
