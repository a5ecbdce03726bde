import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, UseFilters, UseGuards } from '@nestjs/common';
import { Bus } from '@portcullis/bus';
import { subjects, type RevokeRequest, type TokenSummary } from '@portcullis/contracts';
import type { ApiDefinition, OAuthClient } from '@portcullis/domain';
import { PortcullisError, type ErrorDetail } from '@portcullis/errors';
import { clientInputFor, clientUpdateFor, inTykTerms, readCreateRequest, toTykClient, type TykOAuthClient } from './tyk-oauth-clients.js';
import { TykErrorFilter } from './tyk-errors.js';
import { TykSecretGuard } from './tyk-secret.guard.js';

/**
 * Tyk's Gateway API for OAuth clients and tokens (`/tyk/oauth/`). The auth service owns clients and
 * tokens, the registry the API definitions: each call asks them over the bus. Where Tyk is weak we
 * are strict: a secret is shown only at creation and rotation, and revocation needs the client's
 * own credentials (RFC 7009 §2.1). A client is reached only through the API it belongs to.
 */
@Controller('tyk/oauth')
@UseGuards(TykSecretGuard)
@UseFilters(TykErrorFilter)
export class TykOAuthController {
  constructor(private readonly bus: Bus) {}

  @Post('clients/create')
  @HttpCode(200)
  async create(@Body() body: unknown): Promise<TykOAuthClient> {
    const request = readCreateRequest(body);
    const apis = request.api_id !== undefined ? [await this.existingApi(request.api_id)] : await this.oauthApisOf(request.policy_id!);
    const input = clientInputFor(request, apis);
    const created = await this.bus.request(subjects.authClientsCreate, { input }).catch((error: unknown) => {
      throw inTykTerms(error);
    });
    return toTykClient(created, request.api_id ?? '');
  }

  /** Tyk: `PUT /tyk/oauth/clients/{api_id}/{client_id}` changes redirect URIs, policy, description, metadata. */
  @Put('clients/:apiId/:clientId')
  async update(@Param('apiId') apiId: string, @Param('clientId') clientId: string, @Body() body: unknown): Promise<TykOAuthClient> {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new PortcullisError('validation_failed', undefined, [{ field: '(body)', message: 'must be a JSON object' }]);
    }
    const existing = await this.clientOf(apiId, clientId);
    const input = clientUpdateFor(existing, body);
    const updated = await this.bus.request(subjects.authClientsUpdate, { client_id: clientId, input }).catch((error: unknown) => {
      throw inTykTerms(error);
    });
    return toTykClient(updated, apiId);
  }

  /** The API a client is created for; an unknown one is Tyk's 400 "API doesn't exist", not a 404 of the endpoint. */
  private async existingApi(apiId: string): Promise<ApiDefinition> {
    return this.bus.request(subjects.registryApisGet, { api_id: apiId }).catch((error: unknown) => {
      if (error instanceof PortcullisError && error.code === 'not_found') {
        throw new PortcullisError('validation_failed', "API doesn't exist", [{ field: 'api_id', message: `no API has id ${JSON.stringify(apiId)}` }]);
      }
      throw error;
    });
  }

  /** Tyk without api_id: every API the policy grants that uses OAuth 2.0. */
  private async oauthApisOf(policyId: string): Promise<ApiDefinition[]> {
    const policy = await this.bus.request(subjects.registryPoliciesGet, { policy_id: policyId }).catch((error: unknown) => {
      if (error instanceof PortcullisError && error.code === 'not_found') {
        throw new PortcullisError('validation_failed', "Policy doesn't exist", [
          { field: 'policy_id', message: `no policy has id ${JSON.stringify(policyId)}` },
        ]);
      }
      throw error;
    });
    const apis = await this.bus.request(subjects.registryApisList, {});
    const granted = new Set(Object.keys(policy.access_rights));
    return apis.filter((api) => granted.has(api.api_id) && api.use_oauth2 === true);
  }

  @Get('clients/:apiId')
  async list(@Param('apiId') apiId: string): Promise<TykOAuthClient[]> {
    // An unknown API is a 404, not an empty list.
    await this.bus.request(subjects.registryApisGet, { api_id: apiId });
    const clients = await this.bus.request(subjects.authClientsList, { api_id: apiId });
    return clients.map((client) => toTykClient(client, apiId));
  }

  @Get('clients/:apiId/:clientId')
  async get(@Param('apiId') apiId: string, @Param('clientId') clientId: string): Promise<TykOAuthClient> {
    return toTykClient(await this.clientOf(apiId, clientId), apiId);
  }

  @Delete('clients/:apiId/:clientId')
  async remove(@Param('apiId') apiId: string, @Param('clientId') clientId: string): Promise<{ key: string; status: 'ok'; action: 'deleted' }> {
    await this.clientOf(apiId, clientId);
    await this.bus.request(subjects.authClientsDelete, { client_id: clientId });
    return { key: clientId, status: 'ok', action: 'deleted' };
  }

  /** What was issued to the client: never the tokens themselves (Tyk lists them; we list their ids). */
  @Get('clients/:apiId/:clientId/tokens')
  async tokens(@Param('apiId') apiId: string, @Param('clientId') clientId: string): Promise<TokenSummary[]> {
    await this.clientOf(apiId, clientId);
    return this.bus.request(subjects.authClientsTokens, { client_id: clientId });
  }

  @Put('clients/:apiId/:clientId/rotate')
  async rotate(@Param('apiId') apiId: string, @Param('clientId') clientId: string): Promise<TykOAuthClient> {
    await this.clientOf(apiId, clientId);
    return toTykClient(await this.bus.request(subjects.authClientsRotateSecret, { client_id: clientId }), apiId);
  }

  @Post('revoke')
  @HttpCode(200)
  async revoke(@Body() body: unknown): Promise<{ status: 'ok'; message: string; revoked: boolean }> {
    const request = readRevokeRequest(body, true);
    const { revoked } = await this.bus.request(subjects.authTokensRevoke, request);
    // RFC 7009 §2.2: an unknown or already revoked token is a success too.
    return { status: 'ok', message: 'token revoked successfully', revoked };
  }

  @Post('revoke_all')
  @HttpCode(200)
  async revokeAll(@Body() body: unknown): Promise<{ status: 'ok'; message: string; revoked: number }> {
    const request = readRevokeRequest(body, false);
    const { revoked } = await this.bus.request(subjects.authTokensRevokeAll, request);
    return { status: 'ok', message: 'tokens revoked successfully', revoked };
  }

  /** The client, if it belongs to this API; any other client is as absent as an unknown one. */
  private async clientOf(apiId: string, clientId: string): Promise<OAuthClient> {
    const client = await this.bus.request(subjects.authClientsGet, { client_id: clientId });
    if (!client.api_ids.includes(apiId))
      throw new PortcullisError('not_found', `No client with client_id ${JSON.stringify(clientId)} for API ${JSON.stringify(apiId)}`);
    return client;
  }
}

/**
 * Revocation parameters from a form (Tyk's way) or JSON, each at most once. A missing client_id or
 * secret is left to the auth service, which answers it as a failed client authentication (401).
 */
function readRevokeRequest(body: unknown, needsToken: boolean): RevokeRequest {
  const input = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const problems: ErrorDetail[] = [];
  const text = (field: string): string | undefined => {
    const value = input[field];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') {
      problems.push({ field, message: Array.isArray(value) ? 'is repeated' : 'must be a string' });
      return undefined;
    }
    return value;
  };
  const request: RevokeRequest = { client_id: text('client_id') ?? '' };
  const secret = text('client_secret');
  if (secret !== undefined) request.client_secret = secret;
  const token = text('token');
  const hint = text('token_type_hint');
  if (needsToken) {
    if (token === undefined && !problems.some((p) => p.field === 'token')) problems.push({ field: 'token', message: 'is required' });
    if (token !== undefined) request.token = token;
    if (hint !== undefined) request.token_type_hint = hint;
  }
  if (problems.length > 0) throw new PortcullisError('validation_failed', undefined, problems);
  return request;
}
