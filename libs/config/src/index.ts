export { loadConfig, configOrExit, ConfigError, type Config } from './load-config.js';
export { env, type SharedVariable } from './variables.js';
export { z } from 'zod';
