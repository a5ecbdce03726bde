import { databaseCompanions, startPortcullisStack } from '../lib/portcullis-stack.mjs';
import { waitFor } from '../lib/processes.mjs';
import { clientCredentialsRequest } from '../lib/token-request.mjs';

/**
 * The registry and the pinned auth service (see ../lib/portcullis-stack.mjs) with one client created
 * through the admin API (`input`, as an operator would post it). Resolves to { stack, client, pid,
 * stop, companions } (`client` with its secret).
 */
export async function startAuthWithClient(ctx, name, input) {
  const stack = await startPortcullisStack(ctx, name, { apps: ['registry', 'auth'], pinned: 'auth' });
  const auth = stack.procs.auth;
  let database = null;
  const stop = async () => {
    await database?.end().catch(() => undefined);
    await stack.stop();
  };
  try {
    // The auth service answers the registry over the bus, so the first attempts may find it not there yet.
    const client = await waitFor(
      'the registry to create the client (auth reachable over the bus)',
      async () => {
        const response = await fetch(`${stack.registryUrl}/admin/oauth/clients`, {
          method: 'POST',
          headers: { authorization: `Bearer ${stack.adminSecret}`, 'content-type': 'application/json' },
          body: JSON.stringify(input),
          signal: AbortSignal.timeout(10_000),
        });
        if (response.status === 503) return null;
        const body = await response.text();
        if (response.status !== 201) throw new Error(`POST /admin/oauth/clients answered ${response.status}: ${body}`);
        return JSON.parse(body);
      },
      { process: auth, timeoutMs: 20_000, intervalMs: 250 },
    );
    if (typeof client.client_secret !== 'string') throw new Error('the created client came back without a secret');
    database = databaseCompanions(stack.database);
    // Our database's backends and PostgreSQL's background processes, reported apart.
    return { stack, client, pid: auth.pid, stop, companions: database.companions };
  } catch (error) {
    await stop();
    throw error;
  }
}

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
    const { stack, client, ...running } = await startAuthWithClient(ctx, 'portcullis-token', {
      client_name: 'bench',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    return { url: `${stack.urls.auth}/oauth/token`, request: clientCredentialsRequest(client.client_id, client.client_secret), ...running };
  },
};
