export { createGatewayApp, type GatewayAppOptions } from './gateway.app.js';
export { loadGatewayConfig, gatewayConfigSchema, type GatewayConfig } from './config.js';
