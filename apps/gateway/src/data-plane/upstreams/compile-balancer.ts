import type { ApiDefinition } from '@portcullis/domain';
import { compilePathRewrite } from '../forwarding.js';
import { poolKey, type UpstreamPools } from '../upstream-pools.js';
import { compileUpstreamTls } from '../upstream-tls.js';
import type { UpstreamClientCertificates } from '../upstream-certificates.js';
import type { UpstreamPins } from '../upstream-pins.js';
import { TargetBalancer, type UpstreamTarget } from './balancer.js';
import type { UptimeCheckSpec } from './uptime-check.js';

const DEFAULT_CHECK_INTERVAL_MS = 10_000;
const DEFAULT_CHECK_TIMEOUT_MS = 5_000;

/** An API's load balancing, compiled: null unless proxy.enable_load_balancing is on. */
export interface CompiledBalancing {
  readonly balancer: TargetBalancer;
  /** The uptime checkers this API keeps running (see UpstreamPools.retainChecks). */
  readonly checkKeys: readonly string[];
}

export function compileBalancing(
  api: ApiDefinition,
  pools: UpstreamPools,
  listenPath: string,
  clientCertificates: UpstreamClientCertificates | null = null,
  pins: UpstreamPins | null = null,
): CompiledBalancing | null {
  const proxy = api.proxy;
  if (proxy.enable_load_balancing !== true || proxy.target_list === undefined || proxy.target_list.length === 0) return null;
  const targets: UpstreamTarget[] = proxy.target_list.map((entry) => {
    const url = new URL(entry);
    // An https target gets the API's proxy.transport TLS options, as its single target_url would.
    const tls = compileUpstreamTls(url, proxy.transport, clientCertificates?.forTarget(url) ?? null, pins?.forTarget(url) ?? null);
    return {
      origin: url.origin,
      pool: pools.get(url.origin, tls),
      poolKey: poolKey(url.origin, tls),
      rewrite: compilePathRewrite(url, listenPath, proxy.strip_listen_path),
      health: pools.health(url.origin),
    };
  });
  const checkKeys: string[] = [];
  if (proxy.check_host_against_uptime_tests === true && api.uptime_tests !== undefined) {
    const recheck = api.uptime_tests.config?.recheck_wait ?? 0;
    for (const check of api.uptime_tests.check_list) {
      const host = new URL(check.url).host;
      // Tyk matches a check to the targets on its host.
      const healths = [...new Set(targets.filter((target) => new URL(target.origin).host === host).map((target) => target.health))];
      if (healths.length === 0) continue;
      const spec: UptimeCheckSpec = {
        url: check.url,
        method: (check.method ?? 'GET').toUpperCase(),
        headers: check.headers ?? {},
        body: check.body === undefined || check.body === '' ? null : check.body,
        // Tyk's timeout is a Go duration: nanoseconds.
        timeoutMs: check.timeout !== undefined && check.timeout > 0 ? Math.max(1, Math.round(check.timeout / 1e6)) : DEFAULT_CHECK_TIMEOUT_MS,
        intervalMs: recheck > 0 ? Math.round(recheck * 1000) : DEFAULT_CHECK_INTERVAL_MS,
        expectedStatus: check.expected_status ?? 200,
      };
      checkKeys.push(pools.uptimeCheck(spec, healths));
    }
  }
  return { balancer: new TargetBalancer(targets), checkKeys };
}
