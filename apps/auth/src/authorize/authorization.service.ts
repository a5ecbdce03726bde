import { Injectable } from '@nestjs/common';
import type { OAuthClient } from '@portcullis/domain';
import { ClientsService } from '../clients/clients.service.js';
import { Issuer } from '../issuer.js';
import { AuthorizationCodesService } from '../grants/authorization-codes.service.js';
import type { AuthorizationResponse } from './authorization-response.js';
import {
  checkAuthorizationRequest,
  errorParameters,
  errorRedirect,
  readClientId,
  redirectWith,
  type PageError,
  type RawParameters,
  type RedirectError,
  type ValidAuthorizationRequest,
} from './authorization-request.js';

export type AuthorizationOutcome = (PageError & { status: 400 }) | RedirectError | { kind: 'ok'; request: ValidAuthorizationRequest; client: OAuthClient };

/**
 * The authorization endpoint's decisions, shared by the built-in login page and Tyk's authorize-client
 * over the bus: which client, whether the request may proceed, and where the answer goes.
 */
@Injectable()
export class AuthorizationService {
  constructor(
    private readonly clients: ClientsService,
    private readonly codes: AuthorizationCodesService,
    private readonly issuer: Issuer,
  ) {}

  async check(parameters: RawParameters): Promise<AuthorizationOutcome> {
    const clientId = readClientId(parameters);
    if (!('ok' in clientId)) return { ...clientId, status: 400 };
    const client = await this.clients.findForAuthentication(clientId.clientId);
    // RFC 6749 §4.1.2.1: with an unknown client there is no redirect URI to trust.
    if (!client) return { kind: 'page', field: 'client_id', status: 400, message: 'The application that sent you here is not registered.' };
    const check = checkAuthorizationRequest(client, parameters);
    if (check.kind === 'page') return { ...check, status: 400 };
    if (check.kind === 'redirect') return check;
    return { kind: 'ok', request: check.request, client };
  }

  /** Issues the code for an approved request and answers where to send the user agent (RFC 6749 §4.1.2, RFC 9207). */
  async approve(
    request: ValidAuthorizationRequest,
    sub: string,
    apiId?: string,
    authTime?: Date,
  ): Promise<{ code: string; redirectTo: string; answer: AuthorizationResponse }> {
    const code = await this.codes.issue({
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      scope: request.scope,
      sub,
      codeChallenge: request.codeChallenge,
      codeChallengeMethod: request.codeChallengeMethod,
      apiId,
      nonce: request.nonce,
      authTime,
      claims: request.requestedClaims,
    });
    const parameters = { code, state: request.state, iss: this.issuer.value };
    return {
      code,
      redirectTo: redirectWith(request.redirectUri, parameters),
      answer: { redirectUri: request.redirectUri, parameters, mode: request.oidc.responseMode },
    };
  }

  /** RFC 6749 §4.1.2.1: the resource owner denied the request. */
  deny(request: ValidAuthorizationRequest): AuthorizationResponse {
    return this.refuse(request, 'access_denied', 'The resource owner denied the request.');
  }

  /** An error for a checked request, answered the way the client asked (OIDC Core §3.1.2.6). */
  refuse(request: ValidAuthorizationRequest, error: RedirectError['error'], description: string): AuthorizationResponse {
    return this.errorResponse({
      kind: 'redirect',
      redirectUri: request.redirectUri,
      error,
      description,
      state: request.state,
      responseMode: request.oidc.responseMode,
    });
  }

  errorResponse(error: RedirectError): AuthorizationResponse {
    return { redirectUri: error.redirectUri, parameters: errorParameters(error, this.issuer.value), mode: error.responseMode ?? 'query' };
  }

  errorRedirect(error: RedirectError): string {
    return errorRedirect(error, this.issuer.value);
  }
}
