import { CreateSigningKeys1732350000000 } from './migrations/1732350000000-create-signing-keys.js';

/** What `openDatabase` needs for the auth schema. No entities yet: the OAuth work adds them. */
export const authEntities = [];
export const authMigrations = [CreateSigningKeys1732350000000];
