import type { DestinationStream } from 'pino';

export interface TerminalOutputOptions {
  /** Colours for the level and message; off where the terminal does not take them. */
  readonly colorize?: boolean;
  /** Where the lines go; stdout when not given. */
  readonly destination?: NodeJS.WritableStream;
}

/**
 * Log lines for a person at a terminal: time, level, service, context and message on one line,
 * then the fields (pino-pretty, loaded only here, so a service that logs JSON never loads it). JSON
 * stays the format wherever a program reads the log (CI, docker, a pipe). Written synchronously:
 * the last lines before an exit must not be lost.
 */
export async function terminalOutput({ colorize = true, destination }: TerminalOutputOptions = {}): Promise<DestinationStream> {
  const { default: pretty } = await import('pino-pretty');
  return pretty({
    colorize,
    sync: true,
    ...(destination ? { destination } : {}),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service,context',
    messageFormat: '{if context}{context}: {end}{msg}',
  });
}
