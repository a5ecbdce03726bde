import pg from 'pg';
import { databaseServer, startPortcullisStack } from '../lib/portcullis-stack.mjs';
import { waitFor } from '../lib/processes.mjs';
import { clientCredentialsRequest } from '../lib/token-request.mjs';

/**
 * The auth service's token endpoint, as docker-compose.yml runs it (built, plain process, scratch
 * database, private NATS: see ../lib/portcullis-stack.mjs), with a confidential client allowed only
 * client_credentials, created through the registry's admin API. Each token is an ES256 JWT that the
 * service also records in PostgreSQL and announces on NATS (auth.token.issued): all of that is what is
 * measured. Only the auth process is pinned; PostgreSQL is the machine's, not pinned, and its CPU is
 * reported apart.
 */
export default {
  name: 'portcullis-token',
  description:
    'the Portcullis auth service (built, one process): client_credentials, client_secret_basic, ES256 JWT access token, recorded in PostgreSQL and published on NATS per token',
  async start(ctx) {
    const stack = await startPortcullisStack(ctx, 'portcullis-token', { apps: ['registry', 'auth'], pinned: 'auth' });
    const auth = stack.procs.auth;
    const database = stack.database;
    let pool = null;
    const stop = async () => {
      await pool?.end().catch(() => undefined);
      await stack.stop();
    };
    try {
      // Through the one admin API, as an operator would; the auth service answers over the bus.
      const created = await waitFor(
        'the registry to create the client (auth reachable over the bus)',
        async () => {
          const response = await fetch(`${stack.registryUrl}/admin/oauth/clients`, {
            method: 'POST',
            headers: { authorization: `Bearer ${stack.adminSecret}`, 'content-type': 'application/json' },
            body: JSON.stringify({ client_name: 'bench', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' }),
            signal: AbortSignal.timeout(10_000),
          });
          if (response.status === 503) return null;
          const body = await response.text();
          if (response.status !== 201) throw new Error(`POST /admin/oauth/clients answered ${response.status}: ${body}`);
          return JSON.parse(body);
        },
        { process: auth, timeoutMs: 20_000, intervalMs: 250 },
      );
      if (typeof created.client_secret !== 'string') throw new Error('the created client came back without a secret');

      pool = new pg.Pool({ connectionString: databaseServer, max: 1 });
      return {
        url: `${stack.urls.auth}/oauth/token`,
        request: clientCredentialsRequest(created.client_id, created.client_secret),
        pid: auth.pid,
        stop,
        // The backends of our database and PostgreSQL's own background processes (WAL writer,
        // checkpointer: they work for our inserts), so their CPU is not counted as others'.
        async companions() {
          const { rows } = await pool.query("SELECT pid FROM pg_stat_activity WHERE datname = $1 OR (datname IS NULL AND backend_type <> 'client backend')", [
            database.name,
          ]);
          return rows.map((row) => row.pid);
        },
      };
    } catch (error) {
      await stop();
      throw error;
    }
  },
};
