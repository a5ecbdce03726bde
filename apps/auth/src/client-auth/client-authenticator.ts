import { Injectable } from '@nestjs/common';
import { secretMatches } from '../clients/client-secret.js';
import { ClientAuthThrottle } from '../storage/failure-throttles.js';
import { ClientsService } from '../clients/clients.service.js';
import type { StoredClient } from '../clients/stored-client.js';
import { tooManyFailures } from '../oauth-errors/oauth-error.js';
import { clientAuthenticationFailed, presentedCredentials, type HeaderBag, type ParameterBag } from './client-credentials.js';

/**
 * Authenticates the client of a token, introspection or revocation request: client_secret_basic,
 * client_secret_post, or none (a public client naming itself). A confidential client may use either
 * secret method, whatever it registered: Tyk's flow sends the credentials in the form body, which
 * Tyk itself refuses (its issue #1373), and clients made through Tyk's API default to Basic.
 * Every failure looks the same from outside (unknown client, wrong secret, wrong method).
 *
 * A presented secret is checked under the client_id's brute-force throttle, wherever the client
 * authenticates (token, introspection, revocation, Tyk's revoke over the bus): a locked client_id
 * is refused before its client is even read, right secret or not. The secret's check (one SHA-256)
 * is cheaper than a database write, so it runs before the count and only failures are counted
 * (`guardCheapCheck`): the token endpoint's hot path writes nothing for the throttle. A public
 * client presents no secret, so there is nothing to guess and nothing to count.
 */
@Injectable()
export class ClientAuthenticator {
  constructor(
    private readonly clients: ClientsService,
    private readonly throttle: ClientAuthThrottle,
  ) {}

  async authenticate(request: { headers: HeaderBag; body: ParameterBag }): Promise<StoredClient> {
    const presented = presentedCredentials(request.headers, request.body);
    const secret = presented.secret;
    if (secret === undefined) {
      const client = await this.clients.findForAuthentication(presented.clientId);
      if (!client || client.token_endpoint_auth_method !== 'none') throw clientAuthenticationFailed();
      return client;
    }
    const outcome = await this.throttle.guardCheapCheck(presented.clientId, async () => {
      const client = await this.clients.findForAuthentication(presented.clientId);
      // Compared even for an unknown client, so the timing does not tell which it was.
      const matches = secretMatches(secret, client?.secretHash ?? null);
      return client && matches && client.token_endpoint_auth_method !== 'none' ? client : null;
    });
    if ('retryAfterSeconds' in outcome) throw tooManyFailures('client', outcome.retryAfterSeconds);
    if (!('passed' in outcome)) throw clientAuthenticationFailed();
    return outcome.passed;
  }

  /** For bus requests (Tyk's revoke, revoke_all): a client_id and secret given as data. */
  authenticateWithSecret(clientId: unknown, secret: unknown): Promise<StoredClient> {
    if (typeof clientId !== 'string' || typeof secret !== 'string' || clientId === '' || secret === '') {
      return Promise.reject(clientAuthenticationFailed());
    }
    return this.authenticate({
      headers: {},
      body: new Map([
        ['client_id', clientId],
        ['client_secret', secret],
      ]),
    });
  }
}
