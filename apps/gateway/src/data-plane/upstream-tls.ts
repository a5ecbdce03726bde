import type { ConnectionOptions } from 'node:tls';

/** The TLS settings of connections to an https upstream, as both undici's connector and node:https take them. */
export type UpstreamTlsOptions = Pick<ConnectionOptions, 'rejectUnauthorized' | 'minVersion' | 'ciphers' | 'ca' | 'cert' | 'key' | 'servername'>;
