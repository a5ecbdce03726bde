import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { AnalyticsRecorder, InProcessAnalyticsSink, JetStreamAnalyticsSink, type AnalyticsSink } from '@portcullis/analytics';
import { Bus, BUS_TRANSPORT, type BusTransport, type InProcessBroker } from '@portcullis/bus';
import { subjects, type GatewayHeartbeat } from '@portcullis/contracts';
import { QuotaSpender, RedisLimiter, SharedOverNatsLimiter, type LimiterLog } from '@portcullis/rate-limit';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { inspect } from 'node:util';
import type { GatewayConfig } from '../config.js';
import type { Enforcement } from '../data-plane/enforcement.js';
import { UpstreamPools } from '../data-plane/upstream-pools.js';
import { GATEWAY_CONFIG } from '../tokens.js';

/** How long a request waits for a quota lease from the auth service before the spender's rule decides. */
const LEASE_TIMEOUT_MS = 2_000;
/** Idle quota accounts are forgotten this often. */
const QUOTA_SWEEP_MS = 60_000;

/**
 * The gateway's rate limiter, quota spender and analytics recorder, made once at start and shared
 * by every compiled API. The limiter is chosen here: Redis when REDIS_URL is set (exact across the
 * fleet), with the NATS-shared limiter as its fallback while Redis is unreachable; otherwise the
 * NATS-shared limiter alone (each gateway enforces its share of a limit among the live gateways
 * announcing themselves on gateway.heartbeat, Tyk's distributed rate limiter). Heartbeats run in
 * both cases, so the fallback always knows the fleet; they also carry the health of this gateway's
 * load-balanced targets, which the registry gathers for the whole fleet (GET /admin/gateways).
 */
@Injectable()
export class EnforcementService implements OnApplicationShutdown {
  readonly gatewayId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  readonly enforcement: Enforcement;
  private readonly logger = new Logger('Enforcement');
  private readonly shared: SharedOverNatsLimiter;
  private readonly redis: RedisLimiter | null;
  private readonly recorder: AnalyticsRecorder | null;
  private readonly quotaSweep: NodeJS.Timeout;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig, bus: Bus, @Inject(BUS_TRANSPORT) transport: BusTransport, pools: UpstreamPools) {
    const log = limiterLog(this.logger);
    this.shared = new SharedOverNatsLimiter({
      gatewayId: this.gatewayId,
      publish: (subject, heartbeat) => {
        const upstreams = pools.heartbeatUpstreams();
        return bus.publish(subject, upstreams === undefined ? heartbeat : { ...heartbeat, upstreams });
      },
      log,
    });
    this.redis = config.rateLimit.redisUrl === null ? null : new RedisLimiter({ url: config.rateLimit.redisUrl, fallback: this.shared, log });
    const quota = new QuotaSpender({ lease: (request) => bus.request(subjects.authQuotaLease, request, LEASE_TIMEOUT_MS), log });
    this.quotaSweep = setInterval(() => quota.sweep(), QUOTA_SWEEP_MS).unref();
    this.recorder = config.analytics.enabled
      ? new AnalyticsRecorder({
          sink: analyticsSink(config, transport),
          gatewayId: this.gatewayId,
          flushMs: config.analytics.flushMs,
          batchSize: config.analytics.batchSize,
          maxBuffered: config.analytics.maxBuffered,
          onDrop: (count) => this.logger.warn(`analytics: dropped ${count} record(s) (buffer full or closing)`),
          onPublishError: (error, attempt) => {
            if (attempt === 1) this.logger.warn(`analytics: publishing failed, retrying: ${error instanceof Error ? error.message : String(error)}`);
          },
        })
      : null;
    this.enforcement = {
      rateLimiter: this.redis ?? this.shared,
      rateLimiterDecidesAtOnce: this.redis === null,
      quota,
      analytics: this.recorder,
    };
    this.logger.log(
      `rate limits ${this.redis === null ? 'shared among live gateways over NATS' : 'kept in Redis'}; analytics ${this.recorder === null ? 'off' : 'on'}`,
    );
  }

  /** Announces this gateway (now and every second): called once the bus is connected. */
  start(): void {
    this.shared.start();
  }

  /** Another gateway's heartbeat (its own are ignored by the limiter). */
  onHeartbeat(heartbeat: GatewayHeartbeat): void {
    this.shared.onHeartbeat(heartbeat);
  }

  /** The analytics recorder, for tests and metrics; null when analytics are off. */
  get analytics(): AnalyticsRecorder | null {
    return this.recorder;
  }

  /** After the data plane has drained: flush what analytics hold, then let go of Redis and NATS. */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.quotaSweep);
    await this.recorder?.close().catch((error: unknown) => this.logger.warn(`analytics close failed: ${String(error)}`));
    await (this.redis ?? this.shared).close();
  }
}

function analyticsSink(config: GatewayConfig, transport: BusTransport): AnalyticsSink {
  if (transport.kind === 'in-process') return new InProcessAnalyticsSink(transport.client.unwrap<InProcessBroker>());
  return new JetStreamAnalyticsSink({
    servers: config.nats.servers,
    subjectPrefix: config.nats.subjectPrefix,
    streamReplicas: config.nats.streamReplicas,
    name: 'gateway-analytics',
  });
}

function limiterLog(logger: Logger): LimiterLog {
  const text = (details: object, message: string) => {
    const err = (details as { err?: unknown }).err;
    return err === undefined ? message : `${message}: ${err instanceof Error ? err.message : inspect(err)}`;
  };
  return { warn: (details, message) => logger.warn(text(details, message)), info: (details, message) => logger.log(text(details, message)) };
}
