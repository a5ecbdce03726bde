import { ClientNats, ServerNats, type ClientProxy, type CustomTransportStrategy, type Server } from '@nestjs/microservices';
import { InProcessClient, InProcessServer, type InProcessBroker } from './in-process.js';

export type BusOptions =
  | {
      kind: 'nats';
      servers: readonly string[];
      name: string;
      /**
       * Put in front of every subject (e.g. `staging.`), so deployments or test runs sharing one
       * NATS never answer each other's requests; empty for none.
       */
      subjectPrefix?: string;
    }
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

/** Idempotent, because Nest normalises a pattern both when a handler registers and when a message arrives. */
function prefixed(prefix: string, route: string): string {
  return route.startsWith(prefix) ? route : prefix + route;
}

class PrefixedServerNats extends ServerNats {
  constructor(
    options: ConstructorParameters<typeof ServerNats>[0],
    private readonly prefix: string,
  ) {
    super(options);
  }
  protected override normalizePattern(pattern: Parameters<ServerNats['normalizePattern']>[0]): string {
    return prefixed(this.prefix, super.normalizePattern(pattern));
  }
}

class PrefixedClientNats extends ClientNats {
  constructor(
    options: ConstructorParameters<typeof ClientNats>[0],
    private readonly prefix: string,
  ) {
    super(options);
  }
  protected override normalizePattern(pattern: Parameters<ClientNats['normalizePattern']>[0]): string {
    return prefixed(this.prefix, super.normalizePattern(pattern));
  }
}

export function createBusTransport(options: BusOptions): BusTransport {
  if (options.kind === 'in-process') {
    return { kind: 'in-process', client: new InProcessClient(options.broker), server: new InProcessServer(options.broker) };
  }
  const connection = natsConnectionOptions(options.servers, options.name);
  const prefix = options.subjectPrefix ?? '';
  return {
    kind: 'nats',
    client: (prefix ? new PrefixedClientNats(connection, prefix) : new ClientNats(connection)) as unknown as ClientProxy,
    server: (prefix ? new PrefixedServerNats(connection, prefix) : new ServerNats(connection)) as Server & CustomTransportStrategy,
  };
}
