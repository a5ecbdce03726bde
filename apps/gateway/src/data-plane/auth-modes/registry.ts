import type { AuthMode } from '@portcullis/domain';
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
