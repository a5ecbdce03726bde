import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { IssuedCredentials, PortalApp } from '../portal-types.js';
import { credentialView, exampleWithPlaceholders, shellQuote } from './credential-view.js';
import { summariseOpenApi } from './openapi-summary.js';

const app = { id: 'a1', name: 'Billing' } as PortalApp;

describe('shellQuote', () => {
  it('survives the shell unchanged, quotes and all', () => {
    const value = `it's "$HOME" \`id\` \\ ;|&`;
    expect(execFileSync('sh', ['-c', `printf %s ${shellQuote(value)}`], { encoding: 'utf8' })).toBe(value);
  });
});

describe('credentialView', () => {
  it('sends an API key in the Authorization header to the API on the gateway', () => {
    const view = credentialView({ app, api_key: 'k3y', gateway_url: 'http://gw:8080', listen_path: '/orders/' } satisfies IssuedCredentials);
    expect(view.values).toEqual([{ kind: 'api_key', label: 'API key', value: 'k3y' }]);
    expect(view.curl).toBe("curl -i 'http://gw:8080/orders/' -H 'Authorization: k3y'");
  });

  it('gets a token with the client credentials, then calls the API with it', () => {
    const view = credentialView({
      app,
      client_id: 'c1',
      client_secret: 's3cret',
      token_endpoint: 'http://auth:3002/oauth/token',
      scope: 'read write',
      gateway_url: 'http://gw:8080',
      listen_path: '/orders/',
    });
    expect(view.values.map((value) => value.kind)).toEqual(['client_id', 'client_secret', 'token_endpoint']);
    expect(view.curl).toContain(
      "curl -s -X POST 'http://auth:3002/oauth/token' -u 'c1:s3cret' -d grant_type=client_credentials --data-urlencode 'scope=read write'",
    );
    expect(view.curl).toContain(`curl -i 'http://gw:8080/orders/' -H "Authorization: Bearer $TOKEN"`);
    // The sed expression takes the token out of a token response.
    const sed = view.curl.split('\n')[1]!.match(/sed -E (.*)\)$/)![1]!;
    const token = execFileSync('sh', ['-c', `printf %s '{"access_token":"eyJ.abc.def","token_type":"Bearer"}' | sed -E ${sed}`], { encoding: 'utf8' });
    expect(token).toBe('eyJ.abc.def');
  });
});

describe('exampleWithPlaceholders', () => {
  it('shows the request with placeholders for the secret the portal no longer has', () => {
    expect(exampleWithPlaceholders({ ...app, kind: 'api_key' }, 'http://gw/orders/', null).curl).toBe(
      "curl -i 'http://gw/orders/' -H 'Authorization: YOUR_API_KEY'",
    );
    const oauth = exampleWithPlaceholders({ ...app, kind: 'oauth_client', client_id: 'c1' }, 'http://gw/orders/', 'http://gw/orders/oauth/token/');
    expect(oauth.curl).toContain("'http://gw/orders/oauth/token/' -u 'c1:YOUR_CLIENT_SECRET'");
    const external = exampleWithPlaceholders({ ...app, kind: 'external_dcr', client_id: 'c2' }, 'http://gw/orders/', null);
    expect(external.curl).toContain("curl -s -X POST 'TOKEN_ENDPOINT' -u 'c2:YOUR_CLIENT_SECRET'");
    expect(external.curlIntro).toContain('TOKEN_ENDPOINT');
  });
});

describe('summariseOpenApi', () => {
  it('lists operations and ignores what is not one', () => {
    expect(
      summariseOpenApi({
        info: { title: 'Orders', version: '1.2' },
        paths: { '/orders': { get: { summary: 'List orders' }, post: { operationId: 'createOrder' }, parameters: [] }, '/bad': 'x' },
      }),
    ).toEqual({
      title: 'Orders',
      version: '1.2',
      operations: [
        { method: 'GET', path: '/orders', summary: 'List orders' },
        { method: 'POST', path: '/orders', summary: 'createOrder' },
      ],
    });
    expect(summariseOpenApi({ paths: [] })).toEqual({ title: null, version: null, operations: [] });
  });
});
