import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { errors } from 'oidc-provider';
import { MapAdapter, adapterFor } from './oidc-map-adapter.js';

export interface DcrProviderFixture {
  /** The issuer (also where it listens): http://127.0.0.1:<port> */
  issuer: string;
  /** The resource (audience) its access tokens are issued for. */
  audience: string;
  /** The initial access token its registration endpoint demands (RFC 7591 §3). */
  initialAccessToken: string;
  /** The client ids registered at it right now (dynamically or not). */
  clientIds(): string[];
  /** client_credentials at its token endpoint: the status and body. */
  clientCredentials(clientId: string, clientSecret: string): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/**
 * oidc-provider as the external identity provider of the developer portal's DCR: registration
 * behind an initial access token, RFC 7592 management, client_credentials with RFC 9068 JWT access
 * tokens (ES256) and no policy claim. It refuses (invalid_client_metadata, with a description) any
 * client whose name contains "forbidden", through a registration policy attached to the token.
 * `port` and `audience` place it where a document's example says (the docs test); by default any
 * free port, and `{issuer}/api`.
 */
export async function startDcrProvider(options: { port?: number; audience?: string } = {}): Promise<DcrProviderFixture> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const audience = options.audience ?? `${issuer}/api`;
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const clientModel = `Client:${issuer}`;
  const provider = new Provider(issuer, {
    adapter: adapterFor(issuer) as never,
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'dcr-1', alg: 'ES256', use: 'sig' }] as never },
    // Its only key is ES256, so registered clients default to it (the default RS256 has no key here).
    clientDefaults: { grant_types: ['client_credentials'], response_types: [], id_token_signed_response_alg: 'ES256' },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      registration: {
        enabled: true,
        initialAccessToken: true,
        policies: {
          'portal-names': (_ctx: unknown, properties: Record<string, unknown>) => {
            if ((typeof properties.client_name === 'string' ? properties.client_name : '').toLowerCase().includes('forbidden')) {
              throw new errors.InvalidClientMetadata('client_name is not allowed by this provider’s policy');
            }
          },
        },
      },
      registrationManagement: { enabled: true, rotateRegistrationAccessToken: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: 'read', audience, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
      },
    },
  } as never);
  // Node 20 warning aside, oidc-provider's koa app serves the plain node:http server.
  const serve = provider.callback();
  // koa's handler answers its own errors; nothing awaits it.
  server.on('request', (req, res) => void serve(req, res));
  const initialAccessToken = await new provider.InitialAccessToken({ policies: ['portal-names'] } as never).save();

  return {
    issuer,
    audience,
    initialAccessToken,
    clientIds: () => [...(MapAdapter.stores.get(clientModel)?.keys() ?? [])],
    async clientCredentials(clientId, clientSecret) {
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
        },
        body: `grant_type=client_credentials&scope=read&resource=${encodeURIComponent(audience)}`,
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
