import { Logger } from '@nestjs/common';
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

/**
 * Nest's NATS transports log a lost connection as an error. Losing NATS is the NATS server's or the
 * network's failure, which the connection rides out (it reconnects, and Nest logs that too): a
 * warning. Every other error the transports report stays an error.
 */
export class NatsTransportLogger extends Logger {
  override error(message: unknown, ...optionalParams: unknown[]): void {
    if (typeof message === 'string' && message.startsWith('NatsError: type: "disconnect"')) this.warn(message);
    else super.error(message, ...(optionalParams as [string?, string?]));
  }
}

/** Nest's NATS server with the subject prefix and the transport logger above. */
class PortcullisServerNats extends ServerNats {
  protected override readonly logger = new NatsTransportLogger(ServerNats.name);

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

/** Nest's NATS client with the subject prefix and the transport logger above. */
class PortcullisClientNats extends ClientNats {
  protected override readonly logger = new NatsTransportLogger(ClientNats.name);

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

/** What this module reads of a nats.js connection (NatsConnection.info, the server's INFO). */
interface NatsConnectionInfo {
  readonly info?: { readonly max_payload?: number };
}

/** The max_payload the server behind one end announced; undefined before that end has connected. */
function announcedMaxPayload(end: { unwrap<T>(): T }): number | undefined {
  try {
    return end.unwrap<NatsConnectionInfo>().info?.max_payload;
  } catch {
    // Nest's unwrap() throws until the end has connected (or listened).
    return undefined;
  }
}

/**
 * The largest message the connected NATS server accepts (its `max_payload`), read now: the INFO of
 * a reconnect to another server of a cluster replaces it. The smaller of the two connections (the
 * client publishes events and requests, the server replies); undefined in-process (no limit) or
 * before either end has connected.
 */
export function transportMaxPayload(transport: BusTransport): number | undefined {
  if (transport.kind !== 'nats') return undefined;
  const known = [announcedMaxPayload(transport.client), announcedMaxPayload(transport.server)].filter(
    (bytes): bytes is number => typeof bytes === 'number' && bytes > 0,
  );
  return known.length === 0 ? undefined : Math.min(...known);
}

export function createBusTransport(options: BusOptions): BusTransport {
  if (options.kind === 'in-process') {
    return { kind: 'in-process', client: new InProcessClient(options.broker), server: new InProcessServer(options.broker) };
  }
  const connection = natsConnectionOptions(options.servers, options.name);
  const prefix = options.subjectPrefix ?? '';
  return {
    kind: 'nats',
    // An empty prefix leaves every subject as it is.
    client: new PortcullisClientNats(connection, prefix) as unknown as ClientProxy,
    server: new PortcullisServerNats(connection, prefix) as Server & CustomTransportStrategy,
  };
}
