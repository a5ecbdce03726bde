import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { analyticsStream } from '@portcullis/contracts';
import { testServices } from './services.js';

/** Streams test runs create: their subject prefixes start with `test-` or `e2e-` (see services.ts, processes.ts). */
const testStream = new RegExp(`^${analyticsStream.name}_(test|e2e)-`);
/** Old enough that no run still uses it: another run on this machine may be in flight. */
const IDLE_MS = 15 * 60_000;

/**
 * Global teardown: every service a test starts creates its analytics stream under the run's subject
 * prefix, and JetStream keeps it (file storage) after the run. Delete the ones idle for a while, so
 * a machine that runs the suite every day does not collect them.
 */
export async function sweepTestStreams(idleMs = IDLE_MS): Promise<number> {
  const nc = await connect({ servers: testServices.natsUrl, timeout: 2_000 }).catch(() => null);
  if (!nc) return 0;
  let deleted = 0;
  try {
    const jsm = await jetstreamManager(nc);
    for await (const info of jsm.streams.list()) {
      if (!testStream.test(info.config.name)) continue;
      const lastActivity = Math.max(Date.parse(info.created), Date.parse(info.state.last_ts ?? '') || 0);
      if (Date.now() - lastActivity < idleMs) continue;
      await jsm.streams.delete(info.config.name).then(
        () => deleted++,
        () => undefined,
      );
    }
  } finally {
    await nc.close();
  }
  return deleted;
}
