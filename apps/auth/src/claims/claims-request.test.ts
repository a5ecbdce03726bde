import { describe, expect, it } from 'vitest';
import { parseClaimsParameter } from './claims-request.js';

describe('the claims request parameter (OIDC Core §5.5)', () => {
  it('keeps the claim names asked for per target, and ignores unknown claims and members', () => {
    const parsed = parseClaimsParameter(
      JSON.stringify({
        userinfo: { email: { essential: true }, email_verified: null, 'http://example.info/claims/groups': null },
        id_token: { name: null, auth_time: { essential: true }, acr: { values: ['urn:mace:incommon:iap:silver'] } },
        other: 'ignored',
      }),
    );
    expect(parsed).toEqual({ ok: true, claims: { userinfo: ['email', 'email_verified'], id_token: ['name'] } });
  });

  it('takes an empty object as asking for nothing', () => {
    expect(parseClaimsParameter('{}')).toEqual({ ok: true, claims: { userinfo: [], id_token: [] } });
  });

  it.each([
    ['not JSON', '{userinfo'],
    ['a JSON array', '[]'],
    ['a JSON string', '"email"'],
    ['userinfo not an object', '{"userinfo":["email"]}'],
    ['id_token null', '{"id_token":null}'],
    ['a claim request that is a string', '{"userinfo":{"email":"yes"}}'],
    ['essential not a boolean', '{"userinfo":{"email":{"essential":"true"}}}'],
    ['values not an array', '{"id_token":{"acr":{"values":"x"}}}'],
    ['value and values both', '{"id_token":{"acr":{"value":"x","values":["x"]}}}'],
  ])('refuses %s', (_label, raw) => {
    expect(parseClaimsParameter(raw)).toMatchObject({ ok: false, description: expect.any(String) });
  });
});
