export { secretsMatch, sha256Hex } from './secrets.js';
export { readBoundedBody } from './bounded-body.js';
export { hashPassword, scryptCost, spendVerification, verifyPasswordHash } from './password-hash.js';
export { AdminSecretGuard, hasAdminSecret, requireAdminSecret, type AdminSecretScheme } from './admin-secret.guard.js';
export { ErrorFilter, toErrorResponse } from './error.filter.js';
export { useJsonBodies } from './json-body.js';
export { serveUntilSignalled, type RunningService } from './running-service.js';
export { listeningUrl } from './listening-url.js';
export { startNestService, type NestServiceOptions } from './nest-service.js';
