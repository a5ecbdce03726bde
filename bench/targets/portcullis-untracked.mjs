import { portcullisTarget } from './portcullis.mjs';

/**
 * The keyless gateway with analytics off for its API (`do_not_track`). On a 2-core machine the
 * analytics pipeline (registry consumer, PostgreSQL, nats-server; not pinned) shares the gateway's
 * core: this target shows the gateway's own cost, `portcullis` the whole stack's.
 */
export default portcullisTarget('portcullis-untracked', 'the Portcullis gateway (distributed), keyless API, do_not_track: no analytics pipeline', {
  do_not_track: true,
});
