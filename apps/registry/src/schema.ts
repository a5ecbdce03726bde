import { ApiDefinitionRecord } from './storage/api-definition.entity.js';
import { ConfigState } from './storage/config-state.entity.js';
import { CreateApiDefinitions1732350000000 } from './storage/migrations/1732350000000-create-api-definitions.js';
import { CreatePolicies1763900000000 } from './storage/migrations/1763900000000-create-policies.js';
import { CreateAnalytics1763900100000 } from './storage/migrations/1763900100000-create-analytics.js';
import { PolicyRecord } from './storage/policy.entity.js';
import { CatalogueEntryRecord } from './portal/catalogue/catalogue-entry.entity.js';
import { DeveloperRecord } from './portal/developers/developer.entity.js';
import { PasswordResetRecord } from './portal/developers/password-reset.entity.js';
import { PortalAppRecord } from './portal/apps/portal-app.entity.js';
import { CreatePortalCore1764000000000 } from './storage/migrations/1764000000000-create-portal-core.js';
import { DcrProviderRecord } from './portal/providers/dcr-provider.entity.js';
import { ExternalRegistrationRecord } from './portal/providers/external-registration.entity.js';
import { ClientBindingRecord } from './storage/client-binding.entity.js';
import { CreateDcrProviders1764000100000 } from './storage/migrations/1764000100000-create-dcr-providers.js';
import { PortalSessionRecord } from './portal/pages/portal-session.entity.js';
import { CreatePortalSessions1764000200000 } from './storage/migrations/1764000200000-create-portal-sessions.js';
import { CatalogueProviderReference1764000300000 } from './storage/migrations/1764000300000-catalogue-provider-reference.js';
import { CreatePortalLoginFailures1764000400000 } from './storage/migrations/1764000400000-create-portal-login-failures.js';
import { CreateCertificates1764100000000 } from './storage/migrations/1764100000000-create-certificates.js';
import { CertificateRecord } from './storage/certificate.entity.js';
import { CreateAnalyticsRollups1764200000000 } from './storage/migrations/1764200000000-create-analytics-rollups.js';
import { PortalOidcSignIn1764520000000 } from './storage/migrations/1764520000000-portal-oidc-sign-in.js';
import { OidcSignInRecord } from './portal/oidc/oidc-sign-in.entity.js';
import { AnalyticsEndpointDimension1764540000000 } from './storage/migrations/1764540000000-analytics-endpoint-dimension.js';
import { CreateDebugSessions1764540100000 } from './storage/migrations/1764540100000-create-debug-sessions.js';
import { CreateConsoleSessions1764560000000 } from './storage/migrations/1764560000000-create-console-sessions.js';
import { OidcSignInPurpose1764570000000 } from './storage/migrations/1764570000000-oidc-sign-in-purpose.js';
import { DeferrableRouteKey1764580000000 } from './storage/migrations/1764580000000-deferrable-route-key.js';
import { ConsoleSessionRecord } from './console/session/console-session.entity.js';

/** What `openDatabase` needs for the registry's schema: its entities, and its migrations in order. */
export const registryEntities = [
  ApiDefinitionRecord,
  ConfigState,
  PolicyRecord,
  CatalogueEntryRecord,
  DeveloperRecord,
  PasswordResetRecord,
  PortalAppRecord,
  DcrProviderRecord,
  ExternalRegistrationRecord,
  ClientBindingRecord,
  PortalSessionRecord,
  CertificateRecord,
  OidcSignInRecord,
  ConsoleSessionRecord,
];
export const registryMigrations = [
  CreateApiDefinitions1732350000000,
  CreatePolicies1763900000000,
  CreateAnalytics1763900100000,
  CreatePortalCore1764000000000,
  CreateDcrProviders1764000100000,
  CreatePortalSessions1764000200000,
  CatalogueProviderReference1764000300000,
  CreatePortalLoginFailures1764000400000,
  CreateCertificates1764100000000,
  CreateAnalyticsRollups1764200000000,
  PortalOidcSignIn1764520000000,
  AnalyticsEndpointDimension1764540000000,
  CreateDebugSessions1764540100000,
  CreateConsoleSessions1764560000000,
  OidcSignInPurpose1764570000000,
  DeferrableRouteKey1764580000000,
];
