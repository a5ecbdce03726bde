import type { AddressInfo } from 'node:net';

/**
 * The base URL a started server can be reached at: the real port (port 0 picks one), and a
 * connectable address when it binds every interface.
 */
export function listeningUrl(address: AddressInfo | string | null, host: string): string {
  if (!address || typeof address === 'string') throw new Error('the server is not listening on a TCP port');
  const reachable = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${address.port}`;
}
