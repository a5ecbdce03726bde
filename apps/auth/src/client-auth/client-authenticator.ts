import { Injectable } from '@nestjs/common';
import { secretMatches } from '../clients/client-secret.js';
import { ClientsService } from '../clients/clients.service.js';
import type { StoredClient } from '../clients/stored-client.js';
import { presentedCredentials, clientAuthenticationFailed, type HeaderBag, type ParameterBag } from './client-credentials.js';

/**
 * Authenticates the client of a token, introspection or revocation request: client_secret_basic,
 * client_secret_post, or none (a public client naming itself). A confidential client may use either
 * secret method, whatever it registered: Tyk's flow sends the credentials in the form body, which
 * Tyk itself refuses (its issue #1373), and clients made through Tyk's API default to Basic.
 * Every failure looks the same from outside (unknown client, wrong secret, wrong method).
 */
@Injectable()
export class ClientAuthenticator {
  constructor(private readonly clients: ClientsService) {}

  async authenticate(request: { headers: HeaderBag; body: ParameterBag }): Promise<StoredClient> {
    const presented = presentedCredentials(request.headers, request.body);
    const client = await this.clients.findForAuthentication(presented.clientId);
    if (presented.secret === undefined) {
      if (!client || client.token_endpoint_auth_method !== 'none') throw clientAuthenticationFailed();
      return client;
    }
    // Compared even for an unknown client, so the timing does not tell which it was.
    const matches = secretMatches(presented.secret, client?.secretHash ?? null);
    if (!client || !matches || client.token_endpoint_auth_method === 'none') throw clientAuthenticationFailed();
    return client;
  }

  /** For bus requests (Tyk's revoke, revoke_all): a client_id and secret given as data. */
  authenticateWithSecret(clientId: unknown, secret: unknown): Promise<StoredClient> {
    if (typeof clientId !== 'string' || typeof secret !== 'string' || clientId === '' || secret === '') {
      return Promise.reject(clientAuthenticationFailed());
    }
    return this.authenticate({ headers: {}, body: new Map([['client_id', clientId], ['client_secret', secret]]) });
  }
}

