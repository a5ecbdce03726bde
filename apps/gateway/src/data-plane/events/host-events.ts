import { apisBalancingOver } from '../compile.js';
import type { CompiledConfiguration } from '../compiled.js';
import type { ProbeOutcome } from '../upstreams/target-health.js';

/**
 * Tyk's HostDown / HostUp: a load-balanced target's health is shared by every API balancing over
 * it, so a change is sent to each API, in the configuration of the moment, that balances over that
 * origin and handles the event. Looked up when a target changes (rare), never per request.
 */
export class HostEventRouter {
  private source: (() => CompiledConfiguration) | null = null;

  /** The configuration is built after the pools that report health changes: attached once it is. */
  attach(source: () => CompiledConfiguration): void {
    this.source = source;
  }

  changed(origin: string, healthy: boolean, reason: string, probe: ProbeOutcome | null): void {
    if (this.source === null) return;
    const event = healthy ? 'HostUp' : 'HostDown';
    const host = { checkUrl: probe?.url ?? origin, responseCode: probe?.status ?? 0, tcpError: probe?.tcpError ?? false, hostName: new URL(origin).host };
    for (const events of apisBalancingOver(this.source(), origin, event)) {
      events.fire(event, { apiId: events.apiId, message: `upstream target ${origin} ${healthy ? 'back in service' : 'taken out'}: ${reason}`, host });
    }
  }
}
