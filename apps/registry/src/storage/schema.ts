import { ApiDefinitionRecord } from './api-definition.entity.js';
import { ConfigState } from './config-state.entity.js';
import { CreateApiDefinitions1732350000000 } from './migrations/1732350000000-create-api-definitions.js';

/** What `openDatabase` needs for the registry's schema: its entities, and its migrations in order. */
export const registryEntities = [ApiDefinitionRecord, ConfigState];
export const registryMigrations = [CreateApiDefinitions1732350000000];
