import { randomBytes } from 'node:crypto';
import type { SignInClient } from '../../tools/test/oidc-sign-in-provider.js';

/** Where the portal's OpenID Provider sends the browser back (OIDC_CALLBACK_PATH in the registry). */
export const OIDC_CALLBACK_PATH = '/portal/login/oidc/callback';

/** The client a registry listening on `port` has at the provider: its redirect URI there. */
export function portalClient(port: number): SignInClient {
  return { clientId: `portal-${port}`, clientSecret: randomBytes(24).toString('base64url'), redirectUri: `http://127.0.0.1:${port}${OIDC_CALLBACK_PATH}` };
}

/** A registry's environment for signing in through the provider at `issuer` with `client`, the button saying "Acme ID". */
export function portalOidcEnv(port: number, issuer: string, client: SignInClient): Record<string, string> {
  return {
    PORTAL_PUBLIC_URL: `http://127.0.0.1:${port}`,
    PORTAL_OIDC_ISSUER: issuer,
    PORTAL_OIDC_CLIENT_ID: client.clientId,
    PORTAL_OIDC_CLIENT_SECRET: client.clientSecret,
    PORTAL_OIDC_NAME: 'Acme ID',
  };
}
