import type { CredentialKind, IssuedCredentials } from '../portal-types.js';

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
      curl: `curl -i ${shellQuote(apiUrl)} -H ${shellQuote(`Authorization: ${issued.api_key}`)}`,
    };
  }
  const values: CredentialValue[] = [];
  if (issued.client_id !== undefined) values.push({ kind: 'client_id', label: 'Client ID', value: issued.client_id });
  if (issued.client_secret !== undefined) values.push({ kind: 'client_secret', label: 'Client secret', value: issued.client_secret });
  if (issued.token_endpoint !== undefined) values.push({ kind: 'token_endpoint', label: 'Token endpoint', value: issued.token_endpoint });
  const tokenRequest = [
    'curl -s -X POST',
    shellQuote(issued.token_endpoint ?? ''),
    '-u',
    shellQuote(`${issued.client_id ?? ''}:${issued.client_secret ?? ''}`),
    '-d grant_type=client_credentials',
    ...(issued.scope ? ['--data-urlencode', shellQuote(`scope=${issued.scope}`)] : []),
  ].join(' ');
  return {
    secretNoun: 'client secret',
    values,
    curlIntro: 'Get an access token with the client credentials grant (RFC 6749 §4.4), then call the API through the gateway with it:',
    // sed rather than jq: the example should run wherever curl does.
    curl: [
      `TOKEN=$(${tokenRequest} \\`,
      `  | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
      `curl -i ${shellQuote(apiUrl)} -H "Authorization: Bearer $TOKEN"`,
    ].join('\n'),
  };
}
