/** Injection token of the registry's validated, frozen configuration. */
export const REGISTRY_CONFIG = Symbol('REGISTRY_CONFIG');
