import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { adapterFor } from './oidc-map-adapter.js';

/** An account at the provider: what it says about the person's email. */
export interface SignInAccount {
  email: string;
  email_verified: boolean;
}

export interface SignInProviderFixture {
  /** The issuer (also where it listens): http://127.0.0.1:<port> */
  issuer: string;
  /** Accounts by login name; a test adds and changes them as it goes. */
  accounts: Map<string, SignInAccount>;
  /** How many userinfo requests it has answered (where the relying party read the email from). */
  userinfoRequests(): number;
  close(): Promise<void>;
}

export interface SignInClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

/**
 * oidc-provider as an external OpenID Provider for signing people in with the authorization code
 * flow: confidential clients (client_secret_basic, ES256 ID Tokens), PKCE required, and a login
 * page of its own at /interaction/{uid}: a form with a `login` field (an account's name) and two
 * buttons, `action=login` and `action=deny` (answered to the client as `access_denied`). The email
 * claims come from userinfo (oidc-provider keeps scope claims out of the ID Token of a code flow),
 * or with `claimsInIdToken` in the ID Token too.
 */
export async function startSignInProvider(options: { port: number; clients: SignInClient[]; claimsInIdToken?: boolean }): Promise<SignInProviderFixture> {
  const issuer = `http://127.0.0.1:${options.port}`;
  const accounts = new Map<string, SignInAccount>();
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const provider = new Provider(issuer, {
    adapter: adapterFor(issuer) as never,
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'sign-in-1', alg: 'ES256', use: 'sig' }] as never },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    clients: options.clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: [client.redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
    })),
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    // false: the scope's claims (email, email_verified) go into the ID Token too.
    conformIdTokenClaims: !options.claimsInIdToken,
    features: { devInteractions: { enabled: false } },
    findAccount: (_ctx: unknown, id: string) => {
      const account = accounts.get(id);
      return account && { accountId: id, claims: () => ({ sub: id, email: account.email, email_verified: account.email_verified }) };
    },
  } as never);
  const serve = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><title>Sign in</title><form method="post" action="/interaction/${uid}">` +
          `<label>Login <input name="login"></label><button name="action" value="login">Sign in</button>` +
          `<button name="action" value="deny">Cancel</button></form>`,
      );
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    if (form.get('action') === 'deny') {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'The person cancelled the sign-in' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const login = form.get('login') ?? '';
    if (!accounts.has(login)) {
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end(`no account ${login}`);
      return;
    }
    const details = await provider.interactionDetails(req, res);
    const grant = new provider.Grant({ accountId: login, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId: login }, consent: { grantId } }, { mergeWithLastSubmission: false });
  }

  let userinfoRequests = 0;
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/me')) userinfoRequests++;
    const uid = /^\/interaction\/([^/?]+)/.exec(req.url ?? '')?.[1];
    if (uid === undefined) return void serve(req, res);
    interaction(req, res, uid).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  return {
    issuer,
    accounts,
    userinfoRequests: () => userinfoRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
