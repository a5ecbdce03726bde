// A minimal OpenID Connect relying party for Portcullis: node:http and openid-client v6 with its
// strict defaults (discovery, PKCE S256, state, nonce, ID Token checks). Run it with
//   ISSUER=http://127.0.0.1:3002 CLIENT_ID=... CLIENT_SECRET=... node docs/examples/openid-rp.mjs
// Routes: /login (add ?prompt=none to sign in silently), /callback, /logout.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import * as oidc from 'openid-client';

const port = Number(process.env.PORT ?? 9400);
const redirectUri = process.env.REDIRECT_URI ?? `http://localhost:${port}/callback`;
const postLogoutUri = process.env.POST_LOGOUT_REDIRECT_URI ?? `http://localhost:${port}/`;
const issuer = new URL(process.env.ISSUER ?? 'http://127.0.0.1:3002');

// openid-client refuses plain http, rightly; a Portcullis on this machine (npm start) has no TLS, so
// http is allowed for a loopback issuer only, never for one reached over a network.
const loopback = issuer.protocol === 'http:' && ['localhost', '127.0.0.1'].includes(issuer.hostname);
const config = await oidc.discovery(
  issuer,
  process.env.CLIENT_ID,
  process.env.CLIENT_SECRET,
  undefined,
  loopback ? { execute: [oidc.allowInsecureRequests] } : undefined,
);

/** Server-side sessions, keyed by a random HttpOnly cookie: the pending request, then the ID Token. */
const sessions = new Map();

function sessionOf(request, response) {
  const id = /(?:^|;\s*)rp_session=([\w-]+)/.exec(request.headers.cookie ?? '')?.[1];
  if (id && sessions.has(id)) return sessions.get(id);
  const fresh = randomBytes(32).toString('base64url');
  sessions.set(fresh, {});
  response.setHeader('set-cookie', `rp_session=${fresh}; HttpOnly; SameSite=Lax; Path=/`);
  return sessions.get(fresh);
}

function send(response, status, text, location) {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...(location && { location }) });
  response.end(text + '\n');
}

async function handle(request, response) {
  const url = new URL(request.url, `http://localhost:${port}`);
  const session = sessionOf(request, response);

  if (url.pathname === '/login') {
    const verifier = oidc.randomPKCECodeVerifier();
    const pending = { verifier, state: oidc.randomState(), nonce: oidc.randomNonce() };
    session.pending = pending;
    const parameters = {
      redirect_uri: redirectUri,
      scope: 'openid profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    };
    // Only prompt=none passes through: sign in from the Portcullis session, or come back with login_required.
    if (url.searchParams.get('prompt') === 'none') parameters.prompt = 'none';
    return send(response, 302, 'Redirecting to Portcullis', oidc.buildAuthorizationUrl(config, parameters).href);
  }

  if (url.pathname === '/callback') {
    const pending = session.pending;
    delete session.pending; // one callback per request: a replayed one finds nothing to complete
    if (!pending) return send(response, 400, 'No sign-in in progress');
    try {
      const tokens = await oidc.authorizationCodeGrant(config, url, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      const user = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      session.idToken = tokens.id_token;
      return send(response, 200, `Signed in as ${user.preferred_username} (sub ${claims.sub})`);
    } catch (error) {
      // An error from Portcullis (login_required, access_denied) or a failed check (state, nonce, signature).
      return send(response, 400, `Sign-in failed: ${error.error ?? error.code ?? 'error'}: ${error.error_description ?? error.message}`);
    }
  }

  if (url.pathname === '/logout') {
    const idToken = session.idToken;
    delete session.idToken;
    if (!idToken) return send(response, 200, 'Not signed in');
    const end = oidc.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: postLogoutUri });
    return send(response, 302, 'Signing out at Portcullis', end.href);
  }

  if (url.pathname === '/') return send(response, 200, session.idToken ? 'Signed in' : 'Signed out');
  return send(response, 404, 'Not found');
}

createServer((request, response) => {
  handle(request, response).catch((error) => send(response, 500, `Error: ${error.message}`));
}).listen(port, () => console.log(`relying party on http://localhost:${port}, issuer ${issuer.href}`));
