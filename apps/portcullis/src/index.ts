export { loadPortcullisConfig, portcullisConfigSchema, type PortcullisConfig } from './config.js';
export { resolveAdminSecret, type AdminSecret, type AdminSecretSource } from './admin-secret.js';
export { startEmbedded, type EmbeddedOptions, type EmbeddedPortcullis } from './embedded.js';
export { launch, type Launched } from './launch.js';
