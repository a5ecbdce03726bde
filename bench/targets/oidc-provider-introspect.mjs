import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { activeIntrospection, introspectionRequest, issueToken } from '../lib/introspection.mjs';
import { startProcess } from '../lib/processes.mjs';
import { listeningPort } from '../lib/target.mjs';
import { clientCredentialsRequest } from '../lib/token-request.mjs';

const server = fileURLToPath(new URL('./oidc-provider-server.mjs', import.meta.url));

/**
 * oidc-provider 9's introspection endpoint (`features.introspection`). It refuses to introspect JWT
 * access tokens (its `rejectStructuredTokens`: a JWT is for the resource server to verify), so this
 * process issues **opaque** client_credentials tokens, kept in its Map adapter, and introspects one of
 * them: a lookup in memory, no signature. A client_credentials token has no subject there, so the
 * check is active with the right client_id and token_type.
 */
export default {
  name: 'oidc-provider-introspect',
  description: 'oidc-provider 9 (one process): POST /token/introspection of an opaque client_credentials token (in memory), client_secret_basic',
  async start(ctx) {
    const clientId = 'bench';
    const clientSecret = randomBytes(32).toString('base64url');
    const proc = startProcess('oidc-provider-introspect', process.execPath, [server, clientId, clientSecret, 'opaque'], { cpu: ctx.proxyCpu });
    try {
      const base = `http://127.0.0.1:${await listeningPort(proc)}`;
      const tokenRequest = clientCredentialsRequest(clientId, clientSecret);
      const token = await issueToken(`${base}/token`, tokenRequest);
      return {
        url: `${base}/token/introspection`,
        request: introspectionRequest(tokenRequest.headers.Authorization, token),
        check: activeIntrospection({ client_id: clientId, token_type: 'Bearer' }),
        pid: proc.pid,
        stop: () => proc.stop(),
      };
    } catch (error) {
      await proc.stop();
      throw error;
    }
  },
};
