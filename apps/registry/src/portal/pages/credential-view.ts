import type { CredentialKind, IssuedCredentials, PortalApp } from '../portal-types.js';

export interface CredentialValue {
  kind: 'api_key' | 'client_id' | 'client_secret' | 'token_endpoint';
  label: string;
  value: string;
}

/** What the credentials page shows: the values, once, and a request that works as printed. */
export interface CredentialView {
  secretNoun: string;
  values: CredentialValue[];
  curlIntro: string;
  curl: string;
}

export function secretNoun(kind: CredentialKind): string {
  return kind === 'api_key' ? 'API key' : 'client secret';
}

/** POSIX shell single quotes: the one quoting in which nothing is special but the quote itself. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function credentialView(issued: IssuedCredentials): CredentialView {
  const apiUrl = `${issued.gateway_url}${issued.listen_path}`;
  if (issued.api_key !== undefined) {
    return {
      secretNoun: 'API key',
      values: [{ kind: 'api_key', label: 'API key', value: issued.api_key }],
      curlIntro: 'Call the API through the gateway with the key in the Authorization header:',
      curl: apiKeyCurl(apiUrl, issued.api_key),
    };
  }
  const values: CredentialValue[] = [];
  if (issued.client_id !== undefined) values.push({ kind: 'client_id', label: 'Client ID', value: issued.client_id });
  if (issued.client_secret !== undefined) values.push({ kind: 'client_secret', label: 'Client secret', value: issued.client_secret });
  if (issued.token_endpoint !== undefined) values.push({ kind: 'token_endpoint', label: 'Token endpoint', value: issued.token_endpoint });
  return {
    secretNoun: 'client secret',
    values,
    curlIntro: 'Get an access token with the client credentials grant (RFC 6749 §4.4), then call the API through the gateway with it:',
    curl: clientCredentialsCurl(apiUrl, issued.token_endpoint ?? 'TOKEN_ENDPOINT', issued.client_id ?? '', issued.client_secret ?? '', issued.scope),
  };
}

/** The app page's example: the same request, with a placeholder where the secret goes (it is not kept). */
export function exampleWithPlaceholders(app: PortalApp, apiUrl: string, tokenEndpoint: string | null): { curlIntro: string; curl: string } {
  if (app.kind === 'api_key') {
    return { curlIntro: 'Call the API through the gateway, with your key in place of YOUR_API_KEY:', curl: apiKeyCurl(apiUrl, 'YOUR_API_KEY') };
  }
  return {
    curlIntro: `Get an access token with the client credentials grant, with your client secret in place of YOUR_CLIENT_SECRET${tokenEndpoint ? '' : " and your provider's token endpoint in place of TOKEN_ENDPOINT"}, then call the API with it:`,
    curl: clientCredentialsCurl(apiUrl, tokenEndpoint ?? 'TOKEN_ENDPOINT', app.client_id ?? '', 'YOUR_CLIENT_SECRET'),
  };
}

function apiKeyCurl(apiUrl: string, key: string): string {
  return `curl -i ${shellQuote(apiUrl)} -H ${shellQuote(`Authorization: ${key}`)}`;
}

function clientCredentialsCurl(apiUrl: string, tokenEndpoint: string, clientId: string, clientSecret: string, scope?: string): string {
  const tokenRequest = [
    'curl -s -X POST',
    shellQuote(tokenEndpoint),
    '-u',
    shellQuote(`${clientId}:${clientSecret}`),
    '-d grant_type=client_credentials',
    ...(scope ? ['--data-urlencode', shellQuote(`scope=${scope}`)] : []),
  ].join(' ');
  // sed rather than jq: the example should run wherever curl does.
  return [
    `TOKEN=$(${tokenRequest} \\`,
    `  | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
    `curl -i ${shellQuote(apiUrl)} -H "Authorization: Bearer $TOKEN"`,
  ].join('\n');
}
