import { ConfigError } from '@portcullis/config';
import { describe, expect, it } from 'vitest';
import { loadRegistryConfig } from './config.js';

const base = { ADMIN_SECRET: 'an-admin-secret-long-enough' };
const oidc = {
  PORTAL_OIDC_ISSUER: 'https://id.example.com/realms/dev/',
  PORTAL_OIDC_CLIENT_ID: 'portal',
  PORTAL_OIDC_CLIENT_SECRET: 'a-client-secret',
};

function problems(env: Record<string, string>): string[] {
  try {
    loadRegistryConfig({ ...base, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('the portal’s OpenID sign-in settings', () => {
  it('are off unless set, passwords on; empty (compose’s unset ${VAR:-}) is unset', () => {
    expect(loadRegistryConfig(base).portal).toMatchObject({ oidc: null, passwordLogin: true });
    const empty = { PORTAL_OIDC_ISSUER: '', PORTAL_OIDC_CLIENT_ID: '', PORTAL_OIDC_CLIENT_SECRET: '', PORTAL_OIDC_NAME: '' };
    expect(loadRegistryConfig({ ...base, ...empty }).portal).toMatchObject({ oidc: null, passwordLogin: true });
  });

  it('take the issuer without its trailing slash, and name the button after its host unless named', () => {
    expect(loadRegistryConfig({ ...base, ...oidc }).portal.oidc).toEqual({
      issuer: 'https://id.example.com/realms/dev',
      clientId: 'portal',
      clientSecret: 'a-client-secret',
      name: 'id.example.com',
    });
    expect(loadRegistryConfig({ ...base, ...oidc, PORTAL_OIDC_NAME: 'Example ID' }).portal.oidc?.name).toBe('Example ID');
  });

  it('need all three of issuer, client id and secret, and name each one missing', () => {
    expect(problems({ PORTAL_OIDC_ISSUER: oidc.PORTAL_OIDC_ISSUER })).toEqual([
      'PORTAL_OIDC_CLIENT_ID: required with PORTAL_OIDC_ISSUER (OpenID sign-in needs all three)',
      'PORTAL_OIDC_CLIENT_SECRET: required with PORTAL_OIDC_ISSUER (OpenID sign-in needs all three)',
    ]);
    expect(problems({ ...oidc, PORTAL_OIDC_ISSUER: 'ftp://id.example.com' })).toHaveLength(1);
  });

  it('refuse turning passwords off without a provider (nobody could sign in)', () => {
    expect(problems({ PORTAL_PASSWORD_LOGIN: 'false' })).toEqual([
      'PORTAL_PASSWORD_LOGIN: can be false only with PORTAL_OIDC_ISSUER set (developers need a way to sign in)',
    ]);
    expect(loadRegistryConfig({ ...base, ...oidc, PORTAL_PASSWORD_LOGIN: 'false' }).portal.passwordLogin).toBe(false);
  });
});

describe('the console’s OpenID sign-in settings', () => {
  const consoleOidc = {
    CONSOLE_OIDC_ISSUER: 'https://id.example.com/',
    CONSOLE_OIDC_CLIENT_ID: 'console',
    CONSOLE_OIDC_CLIENT_SECRET: 'a-console-secret',
    CONSOLE_OIDC_OPERATORS: ' Ada@Example.com, grace@example.com ,',
  };

  it('are off unless set; empty is unset', () => {
    expect(loadRegistryConfig(base).console.oidc).toBeNull();
    const empty = { CONSOLE_OIDC_ISSUER: '', CONSOLE_OIDC_CLIENT_ID: '', CONSOLE_OIDC_CLIENT_SECRET: '', CONSOLE_OIDC_NAME: '', CONSOLE_OIDC_OPERATORS: '' };
    expect(loadRegistryConfig({ ...base, ...empty }).console.oidc).toBeNull();
  });

  it('take the operators’ emails trimmed and in lower case, and name the button after the issuer’s host unless named', () => {
    expect(loadRegistryConfig({ ...base, ...consoleOidc }).console.oidc).toEqual({
      issuer: 'https://id.example.com',
      clientId: 'console',
      clientSecret: 'a-console-secret',
      name: 'id.example.com',
      operators: ['ada@example.com', 'grace@example.com'],
    });
    expect(loadRegistryConfig({ ...base, ...consoleOidc, CONSOLE_OIDC_NAME: 'Staff ID' }).console.oidc?.name).toBe('Staff ID');
  });

  it('need all three of issuer, client id and secret, and the operators: nobody is one for having an account', () => {
    expect(problems({ CONSOLE_OIDC_ISSUER: consoleOidc.CONSOLE_OIDC_ISSUER, CONSOLE_OIDC_OPERATORS: 'ada@example.com' })).toEqual([
      'CONSOLE_OIDC_CLIENT_ID: required with CONSOLE_OIDC_ISSUER (OpenID sign-in needs all three)',
      'CONSOLE_OIDC_CLIENT_SECRET: required with CONSOLE_OIDC_ISSUER (OpenID sign-in needs all three)',
    ]);
    expect(problems({ ...consoleOidc, CONSOLE_OIDC_OPERATORS: '' })).toEqual([
      'CONSOLE_OIDC_OPERATORS: required with CONSOLE_OIDC_ISSUER (the emails allowed into the console)',
    ]);
    expect(problems({ ...consoleOidc, CONSOLE_OIDC_OPERATORS: ' , ' })).toHaveLength(1);
    expect(problems({ ...consoleOidc, CONSOLE_OIDC_OPERATORS: 'ada@example.com, not an email' })).toHaveLength(1);
    expect(problems({ CONSOLE_OIDC_OPERATORS: 'ada@example.com' })).toEqual(['CONSOLE_OIDC_OPERATORS: has no effect without CONSOLE_OIDC_ISSUER']);
  });
});
