import { CreateSigningKeys1732350000000 } from './migrations/1732350000000-create-signing-keys.js';
import { CreateOAuthCore1732355000000 } from './migrations/1732355000000-create-oauth-core.js';
import { CreateUsersAndRegistration1732360000000 } from './migrations/1732360000000-create-users-and-registration.js';
import { CreateApiKeysAndQuotas1763950000000 } from './migrations/1763950000000-create-api-keys-and-quotas.js';
import { OpaqueAccessTokens1764100000000 } from './migrations/1764100000000-opaque-access-tokens.js';
import { CreateOAuth1Nonces1764200000000 } from './migrations/1764200000000-create-oauth1-nonces.js';
import { CreateAuthFailureThrottles1764300000000 } from './migrations/1764300000000-create-auth-failure-throttles.js';
import { OpenIdAuthTime1764400000000 } from './migrations/1764400000000-openid-auth-time.js';
import { LoginSessionsAndConsents1764500000000 } from './migrations/1764500000000-login-sessions-and-consents.js';
import { ConsentRecord } from './consent.entity.js';
import { LoginSessionRecord } from './login-session.entity.js';
import { OpenIdStandardClaims1764510000000 } from './migrations/1764510000000-openid-standard-claims.js';
import { ApiKeyRecord } from './api-key.entity.js';
import { OAuth1ConsumerRecord } from './oauth1-consumer.entity.js';
import { UserRecord } from './user.entity.js';
import { InitialAccessTokenRecord } from './initial-access-token.entity.js';
import { ClientRegistrationRecord } from './client-registration.entity.js';
import { AccessTokenRecord } from './access-token.entity.js';
import { AuthorizationCodeRecord } from './authorization-code.entity.js';
import { OAuthClientRecord } from './oauth-client.entity.js';
import { RefreshTokenRecord } from './refresh-token.entity.js';
import { SigningKeyRecord } from './signing-key.entity.js';

/** What `openDatabase` needs for the auth schema: its entities, and its migrations in order. */
export const authEntities = [
  SigningKeyRecord,
  OAuthClientRecord,
  AccessTokenRecord,
  RefreshTokenRecord,
  AuthorizationCodeRecord,
  UserRecord,
  InitialAccessTokenRecord,
  ClientRegistrationRecord,
  ApiKeyRecord,
  OAuth1ConsumerRecord,
  LoginSessionRecord,
  ConsentRecord,
];
export const authMigrations = [
  CreateSigningKeys1732350000000,
  CreateOAuthCore1732355000000,
  CreateUsersAndRegistration1732360000000,
  CreateApiKeysAndQuotas1763950000000,
  OpaqueAccessTokens1764100000000,
  CreateOAuth1Nonces1764200000000,
  CreateAuthFailureThrottles1764300000000,
  OpenIdAuthTime1764400000000,
  LoginSessionsAndConsents1764500000000,
  OpenIdStandardClaims1764510000000,
];
