/** A started service as its launcher sees it: where it listens, and how to stop it cleanly. */
export interface RunningService {
  readonly name: 'gateway' | 'registry' | 'auth';
  /** Base URL of its HTTP server, e.g. http://127.0.0.1:3001 */
  readonly url: string;
  close(): Promise<void>;
}

interface ShutdownLog {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * What a service's `main.ts` does once it has started: say where it listens, and on the first
 * SIGINT or SIGTERM close it cleanly (in-flight requests finish, connections are released) and exit.
 */
export function serveUntilSignalled(service: RunningService, log: ShutdownLog): void {
  log.info({ url: service.url }, `${service.name} listening on ${service.url}`);
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      service.close().then(
        () => {
          log.info({ signal }, `${service.name} stopped cleanly`);
          process.exit(0);
        },
        (error: unknown) => {
          log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}
