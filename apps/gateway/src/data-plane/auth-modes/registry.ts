import type { ApiDefinition } from '@portcullis/domain';
import type { AuthMode } from '../identity.js';
import type { AuthModeModule } from './auth-mode.js';
import { basicMode } from './basic.js';
import { hmacMode } from './hmac.js';
import { jwtMode } from './jwt.js';
import { keyMode } from './key.js';
import { oauth1Mode } from './oauth1.js';
import { oauth2Mode } from './oauth2.js';

/** Every credential-checking mode, registered once and dispatched by Map.get (STYLE habit 8). */
export const authModes: ReadonlyMap<AuthMode, AuthModeModule> = new Map(
  [keyMode, basicMode, hmacMode, jwtMode, oauth1Mode, oauth2Mode].map((module) => [module.mode, module]),
);

/**
 * The mode an API authenticates with. One per API: where a definition enables several, the first
 * of OAuth 2.0, JWT, HMAC, basic, OAuth 1.0a wins (Tyk would chain them; we do not, yet). None of
 * them: auth tokens (API keys), Tyk's default.
 */
export function authModeOf(api: ApiDefinition): AuthMode {
  if (api.use_keyless) return 'keyless';
  if (api.use_oauth2) return 'oauth2';
  if (api.enable_jwt) return 'jwt';
  if (api.enable_signature_checking) return 'hmac';
  if (api.use_basic_auth) return 'basic';
  if (api.use_oauth1) return 'oauth1';
  return 'key';
}
