// oidc-provider (panva) configured for the client_credentials grant only, issuing ES256 JWT access
// tokens for one resource server: the peer of Portcullis's token endpoint.
// Usage: node oidc-provider-server.mjs <client_id> <client_secret> [opaque|code <redirect_uri>]  (prints "listening on <port>")
// With `opaque`: opaque access tokens (stored in the adapter) and the introspection endpoint, which
// introspects only those (it refuses JWTs), for the introspect group.
// With `code`: the client may use the authorization code grant (to <redirect_uri>), and
// the interaction (login and consent) is answered at once for one user, as the code group needs.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const [clientId, clientSecret, format = 'jwt', redirectUri] = process.argv.slice(2);
const opaque = format === 'opaque';
const code = format === 'code';
const CODE_USER = 'bench-user';
const resource = 'urn:portcullis:bench';

/**
 * A plain Map adapter: the default memory adapter is an LRU that evicts, and a benchmark should not
 * measure eviction. With JWT access tokens nothing is stored per token anyway (oidc-provider keeps
 * no record of a JWT it issued); client_credentials only reads the static client.
 */
const stores = new Map();
class MapAdapter {
  constructor(model) {
    this.store = stores.get(model) ?? new Map();
    stores.set(model, this.store);
  }
  async upsert(id, payload) {
    this.store.set(id, payload);
  }
  async find(id) {
    return this.store.get(id);
  }
  async findByUid(uid) {
    for (const payload of this.store.values()) if (payload.uid === uid) return payload;
    return undefined;
  }
  async findByUserCode(userCode) {
    for (const payload of this.store.values()) if (payload.userCode === userCode) return payload;
    return undefined;
  }
  async consume(id) {
    const payload = this.store.get(id);
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id) {
    this.store.delete(id);
  }
  async revokeByGrantId(grantId) {
    for (const [id, payload] of this.store) if (payload.grantId === grantId) this.store.delete(id);
  }
}

const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: 'bench-es256' };

const provider = new Provider('http://127.0.0.1', {
  adapter: MapAdapter,
  jwks: { keys: [jwk] },
  // Its default is RS256, and the only key here is ES256.
  clientDefaults: { id_token_signed_response_alg: 'ES256' },
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: code ? ['authorization_code'] : ['client_credentials'],
      response_types: code ? ['code'] : [],
      redirect_uris: code ? [redirectUri] : [],
    },
  ],
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  features: {
    clientCredentials: { enabled: true },
    introspection: { enabled: opaque },
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      // Every token is for the one API: an audience-bound JWT, as Portcullis issues.
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'api',
        audience: resource,
        accessTokenFormat: opaque ? 'opaque' : 'jwt',
        accessTokenTTL: 3600,
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
});

const callback = provider.callback();
/**
 * The interaction, done by the user at once (devInteractions are off, as in production): signed in as
 * CODE_USER, and a Grant of `openid` and the API's scope saved through the provider's own API. The
 * session then remembers the user and the grant, so later authorizations redirect with a code at once.
 */
async function interaction(req, res) {
  const { prompt } = await provider.interactionDetails(req, res);
  const grant = new provider.Grant({ accountId: CODE_USER, clientId });
  grant.addOIDCScope('openid');
  grant.addResourceScope(resource, 'api');
  const result = { login: { accountId: CODE_USER }, consent: { grantId: await grant.save() } };
  if (prompt.name !== 'login' && prompt.name !== 'consent') throw new Error(`unexpected prompt ${prompt.name}`);
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}
const server = createServer((req, res) => {
  if (!code || !req.url.startsWith('/interaction/')) return callback(req, res);
  interaction(req, res).catch((error) => {
    res.statusCode = 500;
    res.end(String(error.message));
  });
});
server.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => server.close(() => process.exit(0)));
