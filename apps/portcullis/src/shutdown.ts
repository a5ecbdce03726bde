import type { Logger } from '@portcullis/logging';

/** Long enough for a start in progress to finish and the databases' final writes, short enough not to hang a terminal. */
const FORCE_EXIT_AFTER_MS = 30_000;

export interface Shutdown {
  /** What stops the running system; a signal received before this is acted on now. */
  ready(stop: () => Promise<void>): void;
}

/**
 * SIGINT/SIGTERM stop everything in order, say so on stdout (where the banner went: embedded mode
 * logs only warnings by default) and exit 0. Handlers are installed before anything
 * starts: Ctrl-C while PGlite creates its files must not kill the process half-way through
 * (it would leave a data directory that cannot open), so such a signal waits for the start to
 * finish and then stops. A second signal, or a stop that takes too long, exits at once with 1.
 */
export function handleShutdown(logger: Logger, say: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Shutdown {
  let stop: (() => Promise<void>) | null = null;
  let requested = false;

  const run = () => {
    stop!().then(
      () => {
        say('Portcullis stopped cleanly.');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (requested) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    requested = true;
    logger.info({ signal }, stop ? 'stopping' : 'stopping once started');
    setTimeout(() => {
      logger.error(`did not stop within ${FORCE_EXIT_AFTER_MS} ms; exiting`);
      process.exit(1);
    }, FORCE_EXIT_AFTER_MS).unref();
    if (stop) run();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  return {
    ready(stopFn) {
      stop = stopFn;
      if (requested) run();
    },
  };
}
