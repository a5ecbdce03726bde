import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startProcess } from '../lib/processes.mjs';
import { listeningPort } from '../lib/target.mjs';
import { clientCredentialsRequest } from '../lib/token-request.mjs';

const server = fileURLToPath(new URL('./oidc-provider-server.mjs', import.meta.url));

export default {
  name: 'oidc-provider-token',
  description: 'oidc-provider 9 (one process): client_credentials, client_secret_basic, ES256 JWT access token for one resource, nothing stored per token',
  async start(ctx) {
    const clientId = 'bench';
    const clientSecret = randomBytes(32).toString('base64url');
    const proc = startProcess('oidc-provider', process.execPath, [server, clientId, clientSecret], { cpu: ctx.proxyCpu });
    const port = await listeningPort(proc);
    return {
      url: `http://127.0.0.1:${port}/token`,
      request: clientCredentialsRequest(clientId, clientSecret),
      pid: proc.pid,
      stop: () => proc.stop(),
    };
  },
};
