import { ClientNats, ServerNats, type ClientProxy, type CustomTransportStrategy, type Server } from '@nestjs/microservices';
import { InProcessBroker, InProcessClient, InProcessServer } from './in-process.js';

export type BusOptions =
  | { kind: 'nats'; servers: readonly string[]; name: string }
  | { kind: 'in-process'; broker: InProcessBroker };

/** Both ends of one service's bus connection: the client it sends with, the server it answers on. */
export interface BusTransport {
  readonly client: ClientProxy;
  readonly server: Server & CustomTransportStrategy;
  readonly kind: BusOptions['kind'];
}

/**
 * A NATS connection that never gives up: a service that loses NATS keeps running on what it has,
 * and the client reconnects on its own (a gateway re-syncs when it does).
 */
function natsConnectionOptions(servers: readonly string[], name: string) {
  return {
    servers: [...servers],
    name,
    waitOnFirstConnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    pingInterval: 5_000,
    maxPingOut: 2,
  };
}

export function createBusTransport(options: BusOptions): BusTransport {
  if (options.kind === 'in-process') {
    return { kind: 'in-process', client: new InProcessClient(options.broker), server: new InProcessServer(options.broker) };
  }
  const connection = natsConnectionOptions(options.servers, options.name);
  return {
    kind: 'nats',
    client: new ClientNats(connection) as unknown as ClientProxy,
    server: new ServerNats(connection) as Server & CustomTransportStrategy,
  };
}
