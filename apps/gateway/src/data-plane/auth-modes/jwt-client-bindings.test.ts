import type { ClientBinding } from '@portcullis/contracts';
import { SignJWT, type JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { authHarness, policy, unauthorisedBody } from '../../../test/fixtures/auth.js';
import { bindingsFrom } from '../credentials/client-bindings.js';

// A provider's client_credentials token (oidc-provider's RFC 9068 shape): no policy claim, the
// client in client_id; the portal bound that client to a policy.
const NOW = Date.parse('2026-11-23T12:00:00Z') / 1000;
const secret = 'a-shared-hs256-secret-of-enough-length!';
const issuer = 'https://idp.test';
const gold = policy({ id: 'gold', name: 'Gold', rate: 100, per: 1, access_rights: { api: { api_id: 'api' } } });
const bronze = policy({ id: 'bronze', name: 'Bronze', rate: 2, per: 60, access_rights: { api: { api_id: 'api' } } });
const silver = policy({ id: 'silver', name: 'Silver', rate: 10, per: 1, access_rights: { api: { api_id: 'api' } } });
const api = {
  enable_jwt: true,
  jwt_signing_method: 'hmac',
  jwt_source: Buffer.from(secret).toString('base64'),
  jwt_identity_base_field: 'client_id',
  jwt_policy_field_name: 'pol',
} as const;

const token = (claims: JWTPayload = {}) =>
  new SignJWT({ iss: issuer, sub: 'app-1', client_id: 'app-1', iat: NOW, exp: NOW + 300, ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(secret));
const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
const binding = (clientId: string, policyIds: string[]): ClientBinding => ({
  issuer,
  client_id: clientId,
  api_id: 'api',
  policy_ids: policyIds,
  app_id: `app-of-${clientId}`,
});

/** The harness with a binding table the test changes the way the configuration store does: a new table, and a new policy table beside it. */
function harness(input: Partial<typeof api> & Record<string, unknown> = {}) {
  const policies = [gold, bronze, silver];
  const h = authHarness({ ...api, ...input }, { policies });
  let table = bindingsFrom([]);
  h.credentials.bindings = () => table;
  return {
    ...h,
    bind(...bindings: ClientBinding[]) {
      table = bindingsFrom(bindings);
      h.setPolicies(policies);
    },
  };
}

describe('JWT policies from the developer portal’s client bindings', () => {
  it('gives a token without a policy claim the policies its (iss, client_id) is bound to', async () => {
    const h = harness();
    h.bind(binding('app-1', ['bronze']), binding('app-2', ['gold']));
    const response = await h.send('/api/x', bearer(await token()));
    expect(response.status).toBe(200);
    expect(response.identity!.rights.policyIds).toEqual(['bronze']);
    expect(response.identity!.rights).toMatchObject({ rate: 2, per: 60 });
    expect(response.identity!.oauthClientId).toBe('app-1');
    const other = await h.send('/api/x', bearer(await token({ sub: 'app-2', client_id: 'app-2' })));
    expect(other.identity!.rights.policyIds).toEqual(['gold']);
  });

  it('honours a pol claim over the binding, as Tyk does', async () => {
    const h = harness();
    h.bind(binding('app-1', ['bronze']));
    expect((await h.send('/api/x', bearer(await token({ pol: 'gold' })))).identity!.rights.policyIds).toEqual(['gold']);
  });

  it('binds by issuer and client together: the same client id from another issuer gets nothing', async () => {
    const h = harness();
    h.bind({ ...binding('app-1', ['bronze']), issuer: 'https://other-idp.test' });
    const response = await h.send('/api/x', bearer(await token()));
    expect(response.status).toBe(401);
  });

  it('re-reads the binding for a cached token when bindings change: new policies at once', async () => {
    const h = harness();
    h.bind(binding('app-1', ['bronze']));
    const t = await token();
    expect((await h.send('/api/x', bearer(t))).identity!.rights.policyIds).toEqual(['bronze']);
    h.bind(binding('app-1', ['gold']));
    expect((await h.send('/api/x', bearer(t))).identity!.rights.policyIds).toEqual(['gold']);
  });

  it('refuses a token, cached or new, once its binding is gone and the API has no default policies', async () => {
    const h = harness();
    h.bind(binding('app-1', ['bronze']));
    const cached = await token();
    expect((await h.send('/api/x', bearer(cached))).status).toBe(200);
    h.bind();
    for (const t of [cached, await token({ jti: 'a-new-one' })]) {
      const response = await h.send('/api/x', bearer(t));
      expect(response.status).toBe(401);
      expect(JSON.parse(response.body)).toEqual(unauthorisedBody);
    }
    // Bound again (a new app for the same client): accepted again, the cached entry rebuilt.
    h.bind(binding('app-1', ['silver']));
    expect((await h.send('/api/x', bearer(cached))).identity!.rights.policyIds).toEqual(['silver']);
  });

  it('falls back to jwt_default_policies for an unbound client; a binding wins over them', async () => {
    const h = harness({ jwt_default_policies: ['silver'] });
    expect((await h.send('/api/x', bearer(await token()))).identity!.rights.policyIds).toEqual(['silver']);
    h.bind(binding('app-1', ['bronze']));
    expect((await h.send('/api/x', bearer(await token({ jti: 'second' })))).identity!.rights.policyIds).toEqual(['bronze']);
  });
});
