import { Inject, Injectable, Logger } from '@nestjs/common';
import { Bus } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import type { GatewayConfig } from '../../config.js';
import { GATEWAY_CONFIG } from '../../tokens.js';
import type { ConfigurationStore } from '../configuration-store.js';
import { Credentials } from './credentials.js';
import { fetchJson } from './fetch-json.js';

/** The gateway's one `Credentials`, wired to the auth service over the bus and to providers over HTTP. */
@Injectable()
export class CredentialsService {
  readonly credentials: Credentials;
  private readonly logger = new Logger('Credentials');

  constructor(bus: Bus, @Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    const timings = config.credentials;
    this.credentials = new Credentials(
      {
        lookup: (request) => bus.request(subjects.authKeysLookup, request, timings.lookupTimeoutMs),
        authJwks: () => bus.request(subjects.authJwks, {}, timings.lookupTimeoutMs),
        introspect: (request) => bus.request(subjects.authTokensIntrospect, request, timings.lookupTimeoutMs),
        claimNonce: (request) => bus.request(subjects.authOAuth1NoncesClaim, request, timings.lookupTimeoutMs),
        fetchJson: (url) => fetchJson(url, timings.lookupTimeoutMs),
        now: Date.now,
      },
      { warn: (message) => this.logger.warn(message) },
      timings,
    );
  }

  /** Rights are compiled against the store's policies, read per request (a change applies at once). */
  followPolicies(store: ConfigurationStore): ConfigurationStore {
    this.credentials.policies = () => store.policies;
    this.credentials.bindings = () => store.clientBindings;
    return store;
  }
}
