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

/** How long a signal received while starting waits for the start to finish: within Docker's 10 s stop grace. */
const START_GRACE_MS = 9_000;

/**
 * What a service's `main.ts` runs: starts it, says where it listens, and on the first SIGINT or
 * SIGTERM closes it cleanly (in-flight requests finish, connections are released) and exits 0.
 * The handlers are installed before the start, so a signal that arrives while the service is
 * starting (connecting to NATS, running migrations) is not the default abrupt death: the stop waits
 * for the start to reach a stoppable point (a started service) and then closes it. A start still
 * waiting after START_GRACE_MS (NATS or PostgreSQL unreachable) exits 1 with one line saying so.
 */
export async function serveUntilSignalled(start: () => Promise<RunningService>, log: ShutdownLog): Promise<void> {
  let service: RunningService | null = null;
  let signalled: NodeJS.Signals | null = null;
  const stop = (running: RunningService, signal: NodeJS.Signals) => {
    running.close().then(
      () => {
        log.info({ signal }, `${running.name} stopped cleanly`);
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled !== null) return;
    signalled = signal;
    if (service !== null) return stop(service, signal);
    log.info({ signal }, 'stopping once started');
    setTimeout(() => {
      log.error({ signal }, `still starting ${START_GRACE_MS} ms after ${signal} (is NATS or PostgreSQL unreachable?); exiting`);
      process.exit(1);
    }, START_GRACE_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  service = await start();
  if (signalled !== null) return stop(service, signalled);
  log.info({ url: service.url }, `${service.name} listening on ${service.url}`);
}
