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
