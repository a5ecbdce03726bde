import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP link to a real service (NATS here) that a test can cut and restore, so a process loses its
 * connection exactly as it would on a network partition: open sockets are reset and new ones refused.
 */
export interface TcpLink {
  readonly url: string;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** A link to `target` (e.g. `nats://127.0.0.1:4222`), listening on a loopback port of its own. */
export async function startTcpLink(target: string): Promise<TcpLink> {
  const { protocol, hostname, port: targetPort } = new URL(target);
  const sockets = new Set<Socket>();
  let port = 0;

  const open = (): Promise<Server> =>
    new Promise((resolve, reject) => {
      const server = createServer((client) => {
        const upstream = connect(Number(targetPort), hostname);
        sockets.add(client).add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        client.pipe(upstream).pipe(client);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as AddressInfo).port;
        resolve(server);
      });
    });

  const shut = (server: Server): Promise<void> =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.resetAndDestroy();
      sockets.clear();
      server.close(() => resolve());
    });

  let server: Server | null = await open();
  return {
    get url() {
      return `${protocol}//127.0.0.1:${port}`;
    },
    async cut() {
      if (server) await shut(server);
      server = null;
    },
    async restore() {
      // The same port again, so the client's reconnect loop finds it.
      server ??= await open();
    },
    async close() {
      if (server) await shut(server);
      server = null;
    },
  };
}
