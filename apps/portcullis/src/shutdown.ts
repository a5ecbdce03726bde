import type { Logger } from '@portcullis/logging';

/** Long enough for in-flight requests and the databases' final writes, short enough not to hang a terminal. */
const FORCE_EXIT_AFTER_MS = 15_000;

/**
 * SIGINT/SIGTERM stop everything in order and exit 0. A second signal, or a stop that takes too
 * long, exits at once with 1: the person pressing Ctrl-C twice wants out.
 */
export function onShutdown(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping');
    setTimeout(() => {
      logger.error(`did not stop within ${FORCE_EXIT_AFTER_MS} ms; exiting`);
      process.exit(1);
    }, FORCE_EXIT_AFTER_MS).unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}
