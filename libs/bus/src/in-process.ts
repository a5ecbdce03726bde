import { ClientProxy, Server, type CustomTransportStrategy, type MsPattern, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';

type Handler = (data: unknown) => Promise<unknown>;

/**
 * The in-process stand-in for NATS used when all services run in one process (`npm start`).
 * Requests go to one handler (as a NATS queue group would pick one replica), events to all.
 * Payloads are JSON round-tripped so handlers see exactly what they would see over NATS.
 */
export class InProcessBroker {
  private readonly requestHandlers = new Map<string, Handler[]>();
  private readonly eventHandlers = new Map<string, Handler[]>();
  private turn = 0;

  subscribe(subject: string, handler: Handler, isEvent: boolean): () => void {
    const table = isEvent ? this.eventHandlers : this.requestHandlers;
    const list = table.get(subject) ?? [];
    list.push(handler);
    table.set(subject, list);
    return () =>
      table.set(
        subject,
        (table.get(subject) ?? []).filter((h) => h !== handler),
      );
  }

  async request(subject: string, data: unknown): Promise<unknown> {
    const handlers = this.requestHandlers.get(subject);
    if (!handlers || handlers.length === 0) throw new Error(`No responders for ${subject}`);
    const handler = handlers[this.turn++ % handlers.length]!;
    return roundTrip(await handler(roundTrip(data)));
  }

  async publish(subject: string, data: unknown): Promise<void> {
    const handlers = this.eventHandlers.get(subject) ?? [];
    // Each subscriber gets its own copy, and a failing subscriber cannot stop the others.
    await Promise.allSettled(handlers.map((handler) => handler(roundTrip(data))));
  }
}

function roundTrip(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

export class InProcessServer extends Server implements CustomTransportStrategy {
  private readonly unsubscribers: (() => void)[] = [];

  constructor(private readonly broker: InProcessBroker) {
    super();
  }

  listen(callback: () => void): void {
    for (const [pattern, handler] of this.messageHandlers) {
      const run: Handler = async (data) => lastValueFrom(this.transformToObservable(await handler(data)), { defaultValue: undefined });
      this.unsubscribers.push(this.broker.subscribe(pattern, run, handler.isEventHandler ?? false));
    }
    this._status$.next('connected');
    callback();
  }

  close(): void {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
  }

  on(): void {
    // No connection events: the broker lives as long as the process.
  }

  unwrap<T>(): T {
    return this.broker as T;
  }
}

export class InProcessClient extends ClientProxy {
  constructor(private readonly broker: InProcessBroker) {
    super();
    this._status$.next('connected');
  }

  async connect(): Promise<void> {}

  close(): void {}

  override on(): void {}

  unwrap<T>(): T {
    return this.broker as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    this.broker.request(this.normalizePattern(packet.pattern as MsPattern), packet.data).then(
      (response) => callback({ response, isDisposed: true }),
      (err: unknown) => callback({ err: err instanceof Error ? err.message : String(err), isDisposed: true }),
    );
    return () => undefined;
  }

  protected async dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    await this.broker.publish(this.normalizePattern(packet.pattern as MsPattern), packet.data);
    return undefined as T;
  }
}
