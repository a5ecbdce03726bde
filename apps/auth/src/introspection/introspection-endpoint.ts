import { Injectable, Logger } from '@nestjs/common';
import type { HttpReply } from '@portcullis/contracts';
import { ClientAuthenticator } from '../client-auth/client-authenticator.js';
import { toOAuthError } from '../oauth-errors/oauth-error.filter.js';
import { parseForm, required } from '../oauth-forms/form-body.js';
import { TokenLookup } from '../tokens/token-lookup.js';

/** A request to the introspection endpoint as it arrived, before anything is parsed. */
export interface IntrospectionRequest {
  contentType: string | undefined;
  authorization: string | undefined;
  /** The raw body; anything but a string counts as empty. */
  body: unknown;
}

type Introspection = { active: false } | ({ active: true } & Record<string, unknown>);

/** Answers, errors included, are never cached (RFC 7662 §4 points to RFC 6749's no-store). */
const answerHeaders: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
});

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * RFC 7662 token introspection, for authenticated clients (resource servers), whole: from the raw
 * request to the HTTP answer, so the fast door (token-http.ts) and the Nest controller answer alike.
 * Access tokens are checked with our own keys and then against the revoked set; refresh tokens only
 * for the client that holds them. Anything else, valid or not, is just `{active: false}` (§2.2).
 */
@Injectable()
export class IntrospectionEndpoint {
  private readonly logger = new Logger('IntrospectionEndpoint');

  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly tokens: TokenLookup,
  ) {}

  async handle(request: IntrospectionRequest): Promise<HttpReply> {
    try {
      return { status: 200, headers: answerHeaders as Record<string, string>, body: JSON.stringify(await this.introspect(request)) };
    } catch (exception) {
      const error = toOAuthError(exception, this.logger);
      return { status: error.status, headers: { ...answerHeaders, ...error.headers }, body: JSON.stringify(error.toBody()) };
    }
  }

  private async introspect(request: IntrospectionRequest): Promise<Introspection> {
    const params = parseForm(request.contentType, request.body);
    const client = await this.clients.authenticate({ headers: { authorization: request.authorization }, body: params });
    const found = await this.tokens.find(required(params, 'token'), params.get('token_type_hint'));
    const now = Date.now();
    if (found?.kind === 'access_token') {
      const { record, claims } = found;
      if (record.revokedAt !== null || record.exp.getTime() <= now) return { active: false };
      return {
        active: true,
        token_type: 'Bearer',
        scope: record.scope,
        client_id: record.clientId,
        sub: record.sub,
        aud: claims.aud,
        iss: claims.iss,
        jti: record.jti,
        iat: seconds(record.iat),
        exp: seconds(record.exp),
        pol: claims.pol,
      };
    }
    if (found?.kind === 'refresh_token') {
      const { record } = found;
      const usable = record.usedAt === null && record.revokedAt === null && record.expiresAt.getTime() > now;
      if (!usable || record.clientId !== client.client_id) return { active: false };
      return {
        active: true,
        token_type: 'refresh_token',
        scope: record.scope,
        client_id: record.clientId,
        sub: record.sub,
        iat: seconds(record.createdAt),
        exp: seconds(record.expiresAt),
      };
    }
    return { active: false };
  }
}
