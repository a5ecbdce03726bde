export { createRegistryApp, type RegistryAppOptions } from './registry.app.js';
export { loadRegistryConfig, registryConfigSchema, type RegistryConfig } from './config.js';
