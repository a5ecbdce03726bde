import { describe, expect, it } from 'vitest';
import { discoveryUrlOf } from './provider-discovery.js';

describe('discoveryUrlOf', () => {
  it('builds the discovery URL of an issuer, with or without a path or trailing slash', () => {
    expect(discoveryUrlOf('https://idp.example')).toEqual({ url: 'https://idp.example/.well-known/openid-configuration', issuer: 'https://idp.example' });
    expect(discoveryUrlOf('https://idp.example/realms/acme/')).toEqual({
      url: 'https://idp.example/realms/acme/.well-known/openid-configuration',
      issuer: 'https://idp.example/realms/acme/',
    });
  });

  it('takes a discovery URL as it is, the issuer being what precedes it', () => {
    expect(discoveryUrlOf('https://idp.example/realms/acme/.well-known/openid-configuration')).toEqual({
      url: 'https://idp.example/realms/acme/.well-known/openid-configuration',
      issuer: 'https://idp.example/realms/acme',
    });
  });
});
