import { describe, expect, it } from 'vitest';
import { applyClaimsPatch, validateStandardClaims, validateStandardClaimsPatch } from './user-claims.js';

const full = {
  name: 'Olivia Q. Martin',
  given_name: 'Olivia',
  family_name: 'Martin',
  middle_name: 'Quinn',
  nickname: 'Liv',
  preferred_username: 'liv',
  profile: 'https://example.com/olivia',
  picture: 'https://example.com/olivia.png',
  website: 'https://olivia.example',
  email: 'olivia@example.com',
  email_verified: true,
  gender: 'female',
  birthdate: '0000-02-29',
  zoneinfo: 'Europe/Paris',
  locale: 'fr-FR',
  phone_number: '+33612345678;ext=12',
  phone_number_verified: false,
  address: { formatted: '1 rue de la Paix\n75002 Paris\nFrance', street_address: '1 rue de la Paix', locality: 'Paris', postal_code: '75002', country: 'FR' },
};

describe('the OpenID Connect standard claims of a user', () => {
  it('accepts every standard claim', () => {
    expect(validateStandardClaims(full)).toEqual({ ok: true, value: full });
  });

  it.each([
    ['email', 'not-an-email'],
    ['email_verified', 'true'],
    ['phone_number_verified', 1],
    ['phone_number', '06 12 34 56 78'],
    ['birthdate', '1990-02-30'],
    ['birthdate', '31/12/1990'],
    ['zoneinfo', 'Mars/Olympus_Mons'],
    ['locale', 'not a locale'],
    ['picture', 'javascript:alert(1)'],
    ['name', ''],
    ['address', {}],
    ['address', { country: 'FR', planet: 'Earth' }],
    ['address', 'Paris'],
  ])('refuses %s = %j, naming the field', (field, value) => {
    const result = validateStandardClaims({ [field]: value });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((error) => error.field.split('.')[0])).toContain(field);
  });

  it('refuses a field that is no standard claim (sub is the user id, updated_at the time of the last change)', () => {
    for (const field of ['sub', 'updated_at', 'role']) expect(validateStandardClaims({ [field]: 'x' }).ok).toBe(false);
  });

  it('patches as a merge: a value replaces, null removes, absent stays', () => {
    const patch = validateStandardClaimsPatch({ email: null, nickname: 'O', address: { country: 'BE' } });
    expect(patch.ok).toBe(true);
    const next = applyClaimsPatch({ email: 'o@example.com', given_name: 'Olivia', address: { locality: 'Paris', country: 'FR' } }, patch.ok ? patch.value : {});
    expect(next).toEqual({ given_name: 'Olivia', nickname: 'O', address: { country: 'BE' } });
    expect(validateStandardClaimsPatch({ email_verified: 'yes' }).ok).toBe(false);
  });
});
