import { randomBytes } from 'node:crypto';
import { authorizationQuery, codeExchanges, codeFromRedirect, cookieHeader, cookiesOf, freshAuthorization } from '../lib/code-flow.mjs';
import { basicAuthorization } from '../lib/token-request.mjs';
import { startAuthWithClient } from './portcullis-token.mjs';

const redirectUri = 'https://rp.example/callback';

/** The login form's hidden fields (the request and its CSRF token), unescaped as a browser would. */
function hiddenFields(page) {
  const entities = { '&quot;': '"', '&#39;': "'", '&#96;': '`', '&lt;': '<', '&gt;': '>', '&amp;': '&' };
  const unescape = (value) => value.replace(/&(quot|#39|#96|lt|gt|amp);/g, (entity) => entities[entity]);
  return Object.fromEntries([...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], unescape(m[2])]));
}

/**
 * The auth service's authorization code exchange (`POST /oauth/token`, client_secret_basic, PKCE S256,
 * `openid` with a nonce) on the stack `portcullis-token` starts (auth pinned, registry beside it,
 * scratch database, private NATS). A user (POST /admin/oauth/users) and a confidential client allowed
 * only authorization_code, ES256 ID Tokens, are made through the admin API. Codes are minted through
 * /oauth/authorize as a browser would: the first with the login and consent form (password, Allow),
 * which leaves a login session cookie and the consent; every later one redirects with a code at once.
 * Per exchange: the code burnt (an UPDATE) and read, an ES256 ID Token and an ES256 JWT access token
 * signed, the access token's row inserted (group commit) and `auth.token.issued` published.
 */
export default {
  name: 'portcullis-code',
  description:
    'the Portcullis auth service (built, one process): authorization_code + PKCE, openid with nonce, client_secret_basic: ES256 ID Token and ES256 JWT access token, code burnt and token recorded in PostgreSQL, published on NATS',
  async start(ctx) {
    const running = await startAuthWithClient(ctx, 'portcullis-code', {
      client_name: 'bench',
      grant_types: ['authorization_code'],
      redirect_uris: [redirectUri],
      scope: 'openid',
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
    });
    const { stack, client } = running;
    try {
      const username = 'bench-user';
      const password = randomBytes(18).toString('base64url');
      await stack.admin('POST', `${stack.registryUrl}/admin/oauth/users`, { username, password });
      const base = `${stack.urls.auth}/oauth/authorize`;
      const parameters = { clientId: client.client_id, redirectUri };
      const minted = (response, secrets) => {
        const location = response.headers.get('location');
        if (response.status !== 302 || !location) throw new Error(`/oauth/authorize answered ${response.status}, not a redirect with a code`);
        return { code: codeFromRedirect(location, redirectUri, secrets.state), verifier: secrets.verifier, nonce: secrets.nonce };
      };

      // The sign-in, once: the page, then its form with the password and Allow.
      const jar = new Map();
      const first = freshAuthorization();
      const page = await fetch(`${base}?${authorizationQuery(parameters, first)}`, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
      cookiesOf(page, jar);
      const fields = hiddenFields(await page.text());
      const signedIn = await fetch(base, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(jar) },
        body: new URLSearchParams({ ...fields, username, password, decision: 'approve' }).toString(),
        signal: AbortSignal.timeout(10_000),
      });
      minted(signedIn, first);
      cookiesOf(signedIn, jar);
      const cookie = cookieHeader(jar);

      // From here the session cookie is all a browser sends, and the answer is a redirect with a code.
      const authorize = async () => {
        const secrets = freshAuthorization();
        const response = await fetch(`${base}?${authorizationQuery(parameters, secrets)}`, {
          redirect: 'manual',
          headers: { cookie },
          signal: AbortSignal.timeout(10_000),
        });
        await response.body?.cancel();
        return minted(response, secrets);
      };
      const exchanges = codeExchanges({
        name: 'portcullis-code',
        redirectUri,
        authorization: basicAuthorization(client.client_id, client.client_secret),
        mintOne: authorize,
        scratchDir: ctx.tmpDir,
        log: ctx.log,
      });
      return { url: `${stack.urls.auth}/oauth/token`, pid: running.pid, stop: running.stop, companions: running.companions, ...exchanges };
    } catch (error) {
      await running.stop();
      throw error;
    }
  },
};
