import type { ApiDefinition, Policy } from '@portcullis/domain';
import { describe, expect, it } from 'vitest';
import type { CatalogueEntry } from '../portal-types.js';
import { referenceProblems, validEntryInput } from './catalogue-input.js';

const api = (fields: Partial<ApiDefinition> = {}) =>
  ({
    api_id: 'orders',
    use_keyless: false,
    use_oauth2: false,
    enable_jwt: false,
    use_basic_auth: false,
    enable_signature_checking: false,
    use_oauth1: false,
    proxy: { listen_path: '/orders/' },
    ...fields,
  }) as ApiDefinition;
const policy = (apiIds: string[]) => ({ id: 'gold', access_rights: Object.fromEntries(apiIds.map((id) => [id, { api_id: id }])) }) as unknown as Policy;
const provider = {
  issuer: 'https://idp.example.test',
  discovery_url: 'https://idp.example.test/.well-known/openid-configuration',
  jwks_uri: 'https://idp.example.test/jwks',
};

describe('catalogue entry input', () => {
  it('fills the defaults of a create', () => {
    expect(validEntryInput({ api_id: 'orders', policy_id: 'gold', name: ' Orders ', credential_kind: 'api_key' })).toEqual({
      api_id: 'orders',
      policy_id: 'gold',
      name: 'Orders',
      description: '',
      documentation: '',
      openapi: null,
      credential_kind: 'api_key',
      provider_id: null,
      published: true,
    });
  });

  it('merges an update over the stored entry, ignoring echoed read-only fields', () => {
    const stored: CatalogueEntry = {
      id: '7c0e8f0a-1b2c-4d3e-8f40-5a6b7c8d9e0f',
      api_id: 'partners',
      policy_id: 'gold',
      name: 'Partners',
      description: 'd',
      documentation: '',
      openapi: null,
      credential_kind: 'external_dcr',
      provider_id: '0f0e8f0a-1b2c-4d3e-8f40-5a6b7c8d9e0f',
      published: false,
      created_at: 'x',
      updated_at: 'y',
    };
    expect(validEntryInput({ id: 'other', name: 'Renamed', created_at: 'z' }, stored)).toMatchObject({
      name: 'Renamed',
      description: 'd',
      provider_id: stored.provider_id,
      published: false,
    });
    // Leaving external_dcr drops the provider unless one is named (which is then refused).
    expect(validEntryInput({ credential_kind: 'api_key' }, stored)).toMatchObject({ credential_kind: 'api_key', provider_id: null });
  });

  it('reports every problem at once, unknown fields too', () => {
    expect(() => validEntryInput({ name: '', credential_kind: 'external_dcr', extra: 1 })).toThrow(
      expect.objectContaining({
        code: 'validation_failed',
        details: expect.arrayContaining([
          expect.objectContaining({ field: 'api_id' }),
          expect.objectContaining({ field: 'policy_id' }),
          expect.objectContaining({ field: 'name' }),
          expect.objectContaining({ field: '(body)' }),
          { field: 'provider_id', message: 'is required for credential_kind external_dcr' },
        ]),
      }),
    );
  });
});

describe('what a catalogue entry names', () => {
  const entry = (fields: Record<string, unknown>) =>
    validEntryInput({ api_id: 'orders', policy_id: 'gold', name: 'Orders', credential_kind: 'api_key', ...fields });

  it('fits each kind of credential to how the API authenticates', () => {
    expect(referenceProblems(entry({}), api(), policy(['orders']), null)).toEqual([]);
    expect(referenceProblems(entry({}), api({ use_oauth2: true }), policy(['orders']), null)).toEqual([
      { field: 'credential_kind', message: expect.stringContaining('authenticates with oauth2') },
    ]);
    expect(referenceProblems(entry({ credential_kind: 'oauth_client' }), api({ use_oauth2: true }), policy(['orders']), null)).toEqual([]);
    expect(
      referenceProblems(
        entry({ credential_kind: 'oauth_client' }),
        api({ use_oauth2: true, oauth_meta: { allowed_access_types: ['authorization_code'] } as never }),
        policy(['orders']),
        null,
      ),
    ).toEqual([{ field: 'credential_kind', message: expect.stringContaining('client_credentials') }]);
  });

  it('needs an external_dcr API to trust the provider', () => {
    const dcr = entry({ credential_kind: 'external_dcr', provider_id: '0f0e8f0a-1b2c-4d3e-8f40-5a6b7c8d9e0f' });
    const trusted = [
      api({ enable_jwt: true, jwt_issuers: [{ issuer: 'https://idp.example.test/', signing_methods: ['ES256'] }] as never }),
      api({ enable_jwt: true, jwt_source: 'https://idp.example.test/.well-known/openid-configuration' }),
      api({ enable_jwt: true, jwt_source: Buffer.from('https://idp.example.test/jwks').toString('base64') }),
    ];
    for (const candidate of trusted) expect(referenceProblems(dcr, candidate, policy(['orders']), provider)).toEqual([]);
    const stranger = api({ enable_jwt: true, jwt_issuers: [{ issuer: 'https://other.example.test', signing_methods: ['ES256'] }] as never });
    expect(referenceProblems(dcr, stranger, policy(['orders']), provider)).toEqual([
      { field: 'api_id', message: expect.stringContaining('does not trust tokens of the provider') },
    ]);
    expect(referenceProblems(dcr, trusted[0]!, policy(['orders']), null)).toEqual([
      { field: 'provider_id', message: expect.stringContaining('no DCR provider') },
    ]);
  });

  it('needs the policy to grant the API (a policy without access rights grants by the key alone, as in Tyk)', () => {
    expect(referenceProblems(entry({}), api(), policy(['invoices']), null)).toEqual([
      { field: 'policy_id', message: expect.stringContaining('does not grant access') },
    ]);
    expect(referenceProblems(entry({}), api(), policy([]), null)).toEqual([]);
    expect(referenceProblems(entry({}), null, null, null).map((problem) => problem.field)).toEqual(['api_id', 'policy_id']);
  });
});
