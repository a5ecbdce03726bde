import { PortcullisError } from '@portcullis/errors';
import { describe, expect, it } from 'vitest';
import { definition } from '../../test/fixtures/data-plane.js';
import { clientInputFor, inTykTerms, readCreateRequest, toTykClient } from './tyk-oauth-clients.js';

const openApi = definition({ api_id: 'openApi', use_keyless: false, use_oauth2: true, proxy: { listen_path: '/hub/v2/', target_url: 'http://up' } } as never);

function failure(work: () => unknown): PortcullisError {
  try {
    work();
  } catch (error) {
    if (error instanceof PortcullisError) return error;
    throw error;
  }
  throw new Error('expected a PortcullisError');
}

describe("Tyk's OAuth client shapes", () => {
  it("turns Tyk's create body into a client of that API with the API's grant types", () => {
    const request = readCreateRequest({
      api_id: 'openApi',
      redirect_uri: 'http://www.test.fr, http://b.test/cb',
      policy_id: 'openApi',
      description: 'd',
      meta: { team: 'x' },
    });
    expect(clientInputFor(request, openApi)).toEqual({
      redirect_uris: ['http://www.test.fr', 'http://b.test/cb'],
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      api_ids: ['openApi'],
      policy_ids: ['openApi'],
      description: 'd',
      meta: { team: 'x' },
    });
  });

  it('leaves authorization_code out without a redirect URI, and takes a chosen id and secret', () => {
    const input = clientInputFor(readCreateRequest({ api_id: 'openApi', client_id: 'mine', secret: 's'.repeat(40) }), openApi);
    expect(input).toMatchObject({
      client_id: 'mine',
      client_secret: 's'.repeat(40),
      grant_types: ['refresh_token', 'client_credentials'],
      redirect_uris: [],
      policy_ids: [],
    });
  });

  it('passes an access token format on for the auth service to check', () => {
    expect(clientInputFor(readCreateRequest({ api_id: 'openApi', access_token_format: 'opaque' }), openApi)).toMatchObject({ access_token_format: 'opaque' });
    expect(clientInputFor(readCreateRequest({ api_id: 'openApi' }), openApi)).not.toHaveProperty('access_token_format');
    expect(failure(() => readCreateRequest({ api_id: 'openApi', access_token_format: 1 })).details).toEqual([
      { field: 'access_token_format', message: 'must be a string' },
    ]);
  });

  it('refuses an API that does not use OAuth', () => {
    const keyless = definition({ api_id: 'open', proxy: { listen_path: '/open', target_url: 'http://up' } });
    expect(failure(() => clientInputFor(readCreateRequest({ api_id: 'open' }), keyless)).details).toEqual([
      { field: 'api_id', message: expect.stringContaining('use_oauth2') },
    ]);
  });

  it('collects every shape problem of the body', () => {
    expect(failure(() => readCreateRequest({ redirect_uri: 3, policy_id: [], secret: {} })).details!.map((d) => d.field)).toEqual([
      'api_id',
      'redirect_uri',
      'policy_id',
      'secret',
    ]);
    expect(failure(() => readCreateRequest('x')).details).toEqual([{ field: '(body)', message: 'must be a JSON object' }]);
  });

  it("shows a client in Tyk's shape, its secret only when it has just been made", () => {
    const client = { client_id: 'c', redirect_uris: ['http://a', 'http://b'], policy_ids: ['gold'], api_ids: ['openApi'], description: 'd' } as never;
    expect(toTykClient(client, 'openApi')).toEqual({
      client_id: 'c',
      redirect_uri: 'http://a,http://b',
      api_id: 'openApi',
      policy_id: 'gold',
      description: 'd',
      meta_data: null,
      meta: null,
    });
    expect(toTykClient({ ...(client as object), client_secret: 'S' } as never, 'openApi')).toMatchObject({ client_id: 'c', secret: 'S' });
  });

  it("takes Tyk's meta_data, and without api_id needs a policy_id (the client is then for the policy's OAuth APIs)", () => {
    expect(readCreateRequest({ api_id: 'openApi', meta_data: { team: 'x' } }).meta).toEqual({ team: 'x' });
    expect(readCreateRequest({ policy_id: 'gold' })).toMatchObject({ policy_id: 'gold' });
    expect(readCreateRequest({ policy_id: 'gold' })).not.toHaveProperty('api_id');
    expect(failure(() => readCreateRequest({})).details).toEqual([{ field: 'api_id', message: 'is required without a policy_id' }]);
    const other = definition({
      api_id: 'other',
      use_keyless: false,
      use_oauth2: true,
      oauth_meta: { allowed_access_types: ['password'] },
      proxy: { listen_path: '/o/', target_url: 'http://up' },
    } as never);
    expect(clientInputFor(readCreateRequest({ policy_id: 'gold' }), [openApi, other])).toMatchObject({
      api_ids: ['openApi', 'other'],
      grant_types: ['refresh_token', 'client_credentials', 'password'],
    });
    expect(failure(() => clientInputFor(readCreateRequest({ policy_id: 'gold' }), [])).details).toEqual([
      { field: 'policy_id', message: expect.stringContaining('use_oauth2') },
    ]);
  });

  it("names the auth service's complaints with Tyk's field names", () => {
    const error = inTykTerms(
      new PortcullisError('validation_failed', undefined, [
        { field: 'client_secret', message: 'short' },
        { field: 'redirect_uris.1', message: 'bad' },
        { field: 'meta', message: 'x' },
      ]),
    );
    expect((error as PortcullisError).details).toEqual([
      { field: 'secret', message: 'short' },
      { field: 'redirect_uri', message: 'bad' },
      { field: 'meta', message: 'x' },
    ]);
  });
});
