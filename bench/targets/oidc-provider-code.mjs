import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { authorizationQuery, codeExchanges, codeFromRedirect, cookieHeader, cookiesOf, freshAuthorization } from '../lib/code-flow.mjs';
import { startProcess } from '../lib/processes.mjs';
import { listeningPort } from '../lib/target.mjs';
import { basicAuthorization } from '../lib/token-request.mjs';

const server = fileURLToPath(new URL('./oidc-provider-server.mjs', import.meta.url));
const redirectUri = 'https://rp.example/callback';

/**
 * oidc-provider 9's authorization code exchange (`POST /token`, client_secret_basic, PKCE S256,
 * `openid` with a nonce): an ES256 ID Token and an ES256 JWT access token for the one resource server
 * (as `oidc-provider-token`). Codes are minted through its `/auth` endpoint as a browser would: the
 * first authorization goes through the interaction (answered at once by the bench server: login and a
 * Grant saved through the provider's API), which leaves a session cookie; every later one redirects
 * with a code at once. Per exchange, in its Map adapter: the code read and consumed, the Grant and the
 * Session read; the JWT access token is not stored.
 */
export default {
  name: 'oidc-provider-code',
  description:
    'oidc-provider 9 (one process): authorization_code + PKCE, openid with nonce, client_secret_basic: ES256 ID Token and ES256 JWT access token, code consumed in its Map adapter',
  async start(ctx) {
    const clientId = 'bench';
    const clientSecret = randomBytes(32).toString('base64url');
    const proc = startProcess('oidc-provider-code', process.execPath, [server, clientId, clientSecret, 'code', redirectUri], { cpu: ctx.proxyCpu });
    try {
      const base = `http://127.0.0.1:${await listeningPort(proc)}`;
      const jar = new Map();
      // Follows the provider's own redirects (interaction, resume) with the browser's cookies, to the client's.
      const authorize = async () => {
        const secrets = freshAuthorization();
        let url = `${base}/auth?${authorizationQuery({ clientId, redirectUri }, secrets)}`;
        for (let hop = 0; hop < 5; hop++) {
          const response = await fetch(url, { redirect: 'manual', headers: { cookie: cookieHeader(jar) }, signal: AbortSignal.timeout(10_000) });
          cookiesOf(response, jar);
          const location = response.headers.get('location');
          if (response.status < 300 || response.status > 399 || !location) {
            throw new Error(`GET ${url} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
          }
          await response.body?.cancel();
          if (location.startsWith(redirectUri))
            return { code: codeFromRedirect(location, redirectUri, secrets.state), verifier: secrets.verifier, nonce: secrets.nonce };
          // Its issuer is http://127.0.0.1 (no port): the path is what matters.
          const next = new URL(location, base);
          url = `${base}${next.pathname}${next.search}`;
        }
        throw new Error('no code after 5 redirects');
      };
      // The sign-in, once: from here the session cookie is all a browser sends.
      await authorize();
      const exchanges = codeExchanges({
        name: 'oidc-provider-code',
        redirectUri,
        authorization: basicAuthorization(clientId, clientSecret),
        mintOne: authorize,
        scratchDir: ctx.tmpDir,
        log: ctx.log,
      });
      return { url: `${base}/token`, pid: proc.pid, stop: () => proc.stop(), ...exchanges };
    } catch (error) {
      await proc.stop();
      throw error;
    }
  },
};
