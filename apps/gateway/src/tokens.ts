/** Injection token of the gateway's frozen configuration. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
