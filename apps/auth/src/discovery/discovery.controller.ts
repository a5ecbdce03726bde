import { Controller, Get } from '@nestjs/common';
import type { Jwks } from '@portcullis/contracts';
import { idTokenSigningAlgs, tokenEndpointAuthMethods } from '@portcullis/domain';
import { Grants } from '../grants/grants.js';
import { SIGNING_ALG, SigningKeys } from '../keys/signing-keys.service.js';
import { Issuer } from '../issuer.js';
import { promptValues } from '../authorize/openid-parameters.js';
import { claimScopes, supportedClaims } from '../claims/served-claims.js';
import { PASSWORD_ACR } from '../tokens/id-token.js';

/** Where each endpoint lives, relative to the issuer. */
export const endpointPaths = {
  authorization: '/oauth/authorize',
  token: '/oauth/token',
  introspection: '/oauth/introspect',
  revocation: '/oauth/revoke',
  registration: '/oauth/register',
  userinfo: '/oauth/userinfo',
  jwks: '/.well-known/jwks.json',
  endSession: '/oauth/logout',
} as const;

/** RFC 8414 authorization server metadata (served at both well-known names), and the JWKS. */
@Controller()
export class DiscoveryController {
  constructor(
    private readonly issuer: Issuer,
    private readonly grants: Grants,
    private readonly keys: SigningKeys,
  ) {}

  @Get(['.well-known/oauth-authorization-server', '.well-known/openid-configuration'])
  metadata(): Record<string, unknown> {
    const issuer = this.issuer.value;
    const secretMethods = tokenEndpointAuthMethods.filter((method) => method !== 'none');
    return {
      issuer,
      authorization_endpoint: issuer + endpointPaths.authorization,
      token_endpoint: issuer + endpointPaths.token,
      jwks_uri: issuer + endpointPaths.jwks,
      registration_endpoint: issuer + endpointPaths.registration,
      userinfo_endpoint: issuer + endpointPaths.userinfo,
      introspection_endpoint: issuer + endpointPaths.introspection,
      revocation_endpoint: issuer + endpointPaths.revocation,
      response_types_supported: ['code'],
      // OAuth 2.0 Form Post Response Mode; fragment is never used for the code flow.
      response_modes_supported: ['query', 'form_post'],
      grant_types_supported: this.grants.types,
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: [...tokenEndpointAuthMethods],
      introspection_endpoint_auth_methods_supported: secretMethods,
      revocation_endpoint_auth_methods_supported: secretMethods,
      access_token_signing_alg_values_supported: [SIGNING_ALG],
      // OpenID Connect Discovery §3: RS256 (every client's default) and ES256, per client
      // (id_token_signed_response_alg), each with its own rotated key in the JWKS.
      id_token_signing_alg_values_supported: [...idTokenSigningAlgs],
      subject_types_supported: ['public'],
      // The scopes with a meaning here; a client's own scopes (its APIs') are its business.
      scopes_supported: ['openid', ...claimScopes],
      // Exactly what the ID Token and userinfo can carry between them (a test compares).
      claims_supported: supportedClaims,
      claims_parameter_supported: true,
      acr_values_supported: [PASSWORD_ACR],
      // RFC 9207: every authorization response, success or error, carries iss; clients that read this
      // then refuse a callback without it (mix-up defence).
      authorization_response_iss_parameter_supported: true,
      // OpenID Connect RP-Initiated Logout 1.0 §2.1.
      end_session_endpoint: issuer + endpointPaths.endSession,
      prompt_values_supported: [...promptValues],
      // OIDC Core §6: request objects are refused with request_not_supported / request_uri_not_supported.
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
    };
  }

  @Get(['.well-known/jwks.json', 'oauth/jwks'])
  jwks(): Jwks {
    return this.keys.jwks();
  }
}
