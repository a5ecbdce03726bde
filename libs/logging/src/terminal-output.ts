import type { DestinationStream } from 'pino';

/**
 * Log lines for a person at a terminal: time, level, service, context and message on one line, then the
 * fields (pino-pretty, loaded only here, so a service that logs JSON never loads it). JSON stays the
 * format wherever a program reads the log (CI, docker, a pipe). Written synchronously: the last lines
 * before an exit must not be lost.
 */
export async function terminalOutput(colorize = true): Promise<DestinationStream> {
  const { default: pretty } = await import('pino-pretty');
  return pretty({ colorize, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service,context', messageFormat: '{if context}{context}: {end}{msg}' });
}
