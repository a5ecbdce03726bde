export {
  apiDefinitionSchema,
  proxySchema,
  validateApiDefinition,
  normaliseListenPath,
  routeKey,
  type ApiDefinition,
  type ApiDefinitionInput,
  type ValidationResult,
} from './api-definition.js';
export {
  oauthClientInputSchema,
  validateOAuthClientInput,
  grantTypes,
  tokenEndpointAuthMethods,
  type OAuthClient,
  type OAuthClientInput,
  type GrantType,
  type TokenEndpointAuthMethod,
} from './oauth-client.js';
