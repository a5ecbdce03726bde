import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { Bus, BusModule, type BusTransport } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import { certificateKeySeal } from '@portcullis/domain';
import type { GatewayConfig } from './config.js';
import { ApiEventsController } from './config-sync/api-events.controller.js';
import { ClientBindingEventsController } from './config-sync/client-binding-events.controller.js';
import { ConfigSyncService } from './config-sync/config-sync.service.js';
import { PolicyEventsController } from './config-sync/policy-events.controller.js';
import { ConfigBatchEventsController } from './config-sync/config-batch-events.controller.js';
import { HealthController } from './control-plane/health.controller.js';
import { TykApisController } from './control-plane/tyk-apis.controller.js';
import { TykCertsController } from './control-plane/tyk-certs.controller.js';
import { CertificateEventsController } from './config-sync/certificate-events.controller.js';
import { DebugSessionEventsController } from './config-sync/debug-session-events.controller.js';
import { TykFallbackController } from './control-plane/tyk-fallback.controller.js';
import { TykKeysController } from './control-plane/tyk-keys.controller.js';
import { TykOAuthController } from './control-plane/tyk-oauth.controller.js';
import { TykPoliciesController } from './control-plane/tyk-policies.controller.js';
import { TykReloadController } from './control-plane/tyk-reload.controller.js';
import { CachePurgeEventsController, TykCacheController } from './control-plane/tyk-cache.controller.js';
import { ResponseCacheService } from './cache/response-cache.service.js';
import { TykSecretGuard } from './control-plane/tyk-secret.guard.js';
import { ConfigurationStore } from './data-plane/configuration-store.js';
import { CredentialEventsController } from './data-plane/credentials/credential-events.controller.js';
import { CredentialsService } from './data-plane/credentials/credentials.service.js';
import { DataPlaneServer } from './data-plane/data-plane.server.js';
import { GatewayMetrics } from './data-plane/metrics.js';
import type { OAuthBridge } from './data-plane/oauth/oauth-bridge.js';
import { ClientAddress } from './data-plane/client-address.js';
import { UpstreamHealthController } from './control-plane/upstream-health.controller.js';
import { UpstreamPools } from './data-plane/upstream-pools.js';
import { EventDispatcher } from './data-plane/events/event-dispatcher.js';
import { HostEventRouter } from './data-plane/events/host-events.js';
import { EnforcementService } from './enforcement/enforcement.service.js';
import { HeartbeatController } from './enforcement/heartbeat.controller.js';
import { GATEWAY_CONFIG } from './tokens.js';
import { GatewayTracing } from './data-plane/tracing/gateway-tracing.js';

/** Closes the upstream pools once the data plane has stopped (after `beforeApplicationShutdown`). */
class PoolsLifecycle extends UpstreamPools {
  async onApplicationShutdown(): Promise<void> {
    await this.closeAll();
  }
}

/** Stops sending event webhooks when the gateway stops: what waits is dropped, what is in flight aborted. */
class EventDispatcherLifecycle extends EventDispatcher {
  onApplicationShutdown(): void {
    this.close();
  }
}

/** Sends the spans still queued once the data plane has stopped. */
class TracingLifecycle extends GatewayTracing {
  async onApplicationShutdown(): Promise<void> {
    await this.shutdown();
  }
}

/** The auth service as the data plane's OAuth endpoints reach it. */
function oauthBridge(bus: Bus, config: GatewayConfig): OAuthBridge {
  return {
    token: (request) => bus.request(subjects.authOAuthToken, request),
    authorizeClient: (request) => bus.request(subjects.authAuthorizeClient, request),
    authPublicUrl: config.auth.publicUrl,
    adminSecret: config.adminSecret,
  };
}

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig, transport: BusTransport): DynamicModule {
    const logger = new Logger('Configuration');
    const upstreamLogger = new Logger('Upstreams');
    const eventLogger = new Logger('Events');
    const hostEvents = new HostEventRouter();
    return {
      module: GatewayModule,
      imports: [BusModule.forRoot(transport)],
      // TykFallbackController last: it catches what the other /tyk/ controllers do not.
      controllers: [
        HealthController,
        TykApisController,
        TykCertsController,
        CertificateEventsController,
        DebugSessionEventsController,
        TykOAuthController,
        TykPoliciesController,
        TykReloadController,
        TykCacheController,
        CachePurgeEventsController,
        ApiEventsController,
        PolicyEventsController,
        ConfigBatchEventsController,
        ClientBindingEventsController,
        HeartbeatController,
        TykKeysController,
        UpstreamHealthController,
        CredentialEventsController,
        TykFallbackController,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: GatewayMetrics, useFactory: () => new GatewayMetrics() },
        {
          provide: GatewayTracing,
          inject: [GatewayMetrics],
          useFactory: (metrics: GatewayMetrics) => new TracingLifecycle(config.tracing, metrics.registry, new Logger('Tracing')),
        },
        {
          provide: EventDispatcher,
          inject: [GatewayMetrics],
          useFactory: (metrics: GatewayMetrics) =>
            new EventDispatcherLifecycle(config.events, {
              outcome: (event, outcome) => metrics.eventWebhooks.inc({ event, outcome }),
              warn: (message) => eventLogger.warn(message),
            }),
        },
        {
          provide: UpstreamPools,
          inject: [GatewayMetrics],
          useFactory: (metrics: GatewayMetrics) => {
            const pools = new PoolsLifecycle(
              (origin, error) => logger.warn(`closing the pool of ${origin} failed: ${String(error)}`),
              (origin, healthy, reason, probe) => {
                upstreamLogger.warn(`upstream target ${origin} ${healthy ? 'back in service' : 'taken out'}: ${reason}`);
                hostEvents.changed(origin, healthy, reason, probe);
              },
              (origin) => logger.warn(`upstream ${origin}: its TLS certificate is not verified (proxy.transport.ssl_insecure_skip_verify)`),
              config.passiveChecks,
            );
            metrics.trackUpstreamHealth(() => pools.targetHealth);
            return pools;
          },
        },
        {
          provide: ConfigurationStore,
          inject: [UpstreamPools, GatewayMetrics, Bus, EnforcementService, CredentialsService, ResponseCacheService, EventDispatcher, GatewayTracing],
          useFactory: (
            pools: UpstreamPools,
            metrics: GatewayMetrics,
            bus: Bus,
            enforcement: EnforcementService,
            credentials: CredentialsService,
            cache: ResponseCacheService,
            dispatcher: EventDispatcher,
            tracing: GatewayTracing,
          ) => {
            const store = credentials.followPolicies(
              new ConfigurationStore(
                {
                  pools,
                  metrics,
                  defaultTimeoutSeconds: config.proxy.defaultTimeoutSeconds,
                  signedBodyLimit: config.proxy.signedBodyLimit,
                  clientAddress: new ClientAddress(config.proxy.trustedProxies),
                  oauth: oauthBridge(bus, config),
                  credentials: credentials.credentials,
                  enforcement: enforcement.enforcement,
                  // Logged and counted for every API; sent to the API's event_handlers when it has them.
                  breakerEvents: (event, labels, reason) =>
                    upstreamLogger.warn(`${event} api ${labels.api_id} version ${labels.version} ${labels.method || 'any method'} ${labels.path}: ${reason}`),
                  events: { dispatcher, log: (line) => eventLogger.warn(line) },
                  responseCache: { store: cache.store, maxEntryBytes: cache.maxEntryBytes },
                  tracing: tracing.chains,
                },
                { warn: (message) => logger.warn(message), error: (message) => logger.error(message) },
                certificateKeySeal(config.certificates.encryptionSecret, config.adminSecret),
              ),
            );
            hostEvents.attach(() => store.current);
            return store;
          },
        },
        EnforcementService,
        ResponseCacheService,
        CredentialsService,
        ConfigSyncService,
        DataPlaneServer,
        TykSecretGuard,
      ],
    };
  }
}
