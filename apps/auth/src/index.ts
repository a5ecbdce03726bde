export { createAuthApp, type AuthAppOptions } from './auth.app.js';
export { loadAuthConfig, authConfigSchema, type AuthConfig } from './config.js';
