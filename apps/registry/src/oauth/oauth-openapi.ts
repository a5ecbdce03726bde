import { oauthClientInputSchema, sessionSchema, standardClaimsSchema } from '@portcullis/domain';
import { openApiSchemaOf, schemaRef as ref, type JsonSchema as OpenApiSchema } from '../openapi-schema.js';

/**
 * OpenAPI schemas of the OAuth admin endpoints. The client's comes from the auth service's own
 * validator (the zod schema in @portcullis/domain), so the document cannot drift from what is accepted.
 */

export const oauthRefs = {
  clientInput: ref('OAuthClientInput'),
  client: ref('OAuthClient'),
  clientWithSecret: ref('OAuthClientWithSecret'),
  tokenSummary: ref('OAuthTokenSummary'),
  userInput: ref('OAuthUserInput'),
  user: ref('OAuthUser'),
  userClaimsPatch: ref('OAuthUserClaimsPatch'),
  initialAccessTokenRequest: ref('InitialAccessTokenRequest'),
  initialAccessToken: ref('InitialAccessToken'),
  rotatedKey: ref('RotatedSigningKey'),
  oauth1ConsumerInput: ref('OAuth1ConsumerInput'),
  oauth1Consumer: ref('OAuth1Consumer'),
  oauth1TokenInput: ref('OAuth1TokenInput'),
  oauth1Token: ref('OAuth1Token'),
};

type JsonSchema = OpenApiSchema & { properties: Record<string, unknown> };

function clientInputJsonSchema(): JsonSchema {
  return openApiSchemaOf(oauthClientInputSchema) as JsonSchema;
}

/** The OpenID Connect standard claims, from the zod schema the auth service validates them with. */
function claimProperties(): Record<string, unknown> {
  return (openApiSchemaOf(standardClaimsSchema) as JsonSchema).properties;
}

/** What is shown of a client: the accepted fields with their defaults applied, never the secret or its hash. */
function clientJsonSchema(input: JsonSchema): JsonSchema {
  const { client_secret: _neverShown, ...fields } = input.properties;
  return {
    type: 'object',
    description: 'An OAuth client as stored. Its secret is never shown here: only at creation and on rotation.',
    required: ['client_id', 'redirect_uris', 'grant_types', 'token_endpoint_auth_method', 'scope', 'api_ids', 'policy_ids', 'created_at', 'updated_at'],
    properties: {
      ...fields,
      created_at: { type: 'string', format: 'date-time' },
      updated_at: { type: 'string', format: 'date-time' },
    },
  };
}

export function oauthSchemas(): Record<string, unknown> {
  const input = clientInputJsonSchema();
  return {
    OAuthClientInput: {
      ...input,
      description:
        'An OAuth client (RFC 7591 metadata names, plus the APIs it may call and the policies its tokens carry). ' +
        'client_id and client_secret are generated when absent; grant_types defaults from redirect_uris and token_endpoint_auth_method. ' +
        'On update, the whole client is replaced and client_secret is refused (rotate it instead).',
    },
    OAuthClient: clientJsonSchema(input),
    OAuthClientWithSecret: {
      description:
        'The client with its secret: shown once, on creation and on rotation; only a hash is kept. Public clients (token_endpoint_auth_method none) have none.',
      allOf: [
        ref('OAuthClient'),
        {
          type: 'object',
          properties: {
            client_secret: {
              type: 'string',
              description: '256 random bits, base64url (or the secret given at creation). Store it now: it cannot be read back.',
            },
          },
        },
      ],
    },
    OAuthTokenSummary: {
      type: 'object',
      description: 'An issued token as an admin sees it: never the token itself.',
      required: ['jti', 'client_id', 'sub', 'scope', 'iat', 'exp', 'revoked'],
      properties: {
        jti: { type: 'string' },
        client_id: { type: 'string' },
        sub: { type: 'string' },
        scope: { type: 'string' },
        iat: { type: 'integer', description: 'Seconds since the epoch' },
        exp: { type: 'integer', description: 'Seconds since the epoch' },
        revoked: { type: 'boolean' },
      },
    },
    OAuthUserInput: {
      type: 'object',
      description:
        'A resource owner of the built-in login page and the password grant. Only a slow hash of the password is kept. Any OpenID Connect standard claim (OIDC Core §5.1) may be set beside the two account fields; nothing else is accepted.',
      required: ['username', 'password'],
      additionalProperties: false,
      properties: {
        username: { type: 'string', minLength: 1, maxLength: 128 },
        password: { type: 'string', minLength: 8, maxLength: 1024, format: 'password', writeOnly: true },
        ...claimProperties(),
      },
    },
    OAuthUser: {
      type: 'object',
      description:
        'A resource owner as an admin sees it: never the password or its hash. Its standard claims are shown as set (those not set are absent); userinfo and ID Tokens tell them to clients by scope and by the claims parameter.',
      required: ['id', 'username', 'created_at', 'updated_at', 'disabled'],
      properties: {
        id: { type: 'string', format: 'uuid', description: 'Also its OpenID Connect sub' },
        username: { type: 'string', description: 'Its preferred_username unless one is set' },
        ...claimProperties(),
        created_at: { type: 'string', format: 'date-time' },
        updated_at: { type: 'string', format: 'date-time', description: 'When its claims last changed (userinfo updated_at)' },
        disabled: { type: 'boolean' },
      },
    },
    OAuthUserClaimsPatch: {
      type: 'object',
      description: 'A change to the standard claims: each claim given replaces the old value (an address whole), null removes it, one left out stays.',
      additionalProperties: false,
      properties: Object.fromEntries(Object.entries(claimProperties()).map(([name, schema]) => [name, { anyOf: [schema, { type: 'null' }] }])),
    },
    InitialAccessTokenRequest: {
      type: 'object',
      description: 'Every field is optional; an empty or absent body gives a token for one registration, valid 24 hours.',
      properties: {
        expires_in: { type: 'integer', minimum: 1, maximum: 31536000, default: 86400, description: 'Seconds until it expires' },
        uses: { type: 'integer', minimum: 1, maximum: 10000, default: 1, description: 'How many registrations it allows' },
        api_ids: {
          type: 'array',
          items: { type: 'string' },
          maxItems: 256,
          description: 'The APIs clients registered with it may call (a registering client cannot choose these)',
        },
        policy_ids: { type: 'array', items: { type: 'string' }, maxItems: 256, description: 'The policies their tokens carry' },
      },
    },
    InitialAccessToken: {
      type: 'object',
      description: "An RFC 7591 initial access token: send it as `Authorization: Bearer <token>` to the auth service's POST /oauth/register. Shown once.",
      required: ['token', 'expires_at'],
      properties: { token: { type: 'string' }, expires_at: { type: 'integer', description: 'Seconds since the epoch' } },
    },
    OAuth1ConsumerInput: {
      type: 'object',
      description: 'Every field is optional.',
      properties: { name: { type: 'string', maxLength: 256 }, org_id: { type: 'string', maxLength: 256 } },
    },
    OAuth1Consumer: {
      type: 'object',
      description: 'An OAuth 1.0a consumer. consumer_secret is in the creating answer only (it is stored encrypted, to check signatures).',
      required: ['consumer_key', 'name', 'org_id', 'created_at'],
      properties: {
        consumer_key: { type: 'string' },
        consumer_secret: { type: 'string' },
        name: { type: 'string' },
        org_id: { type: 'string' },
        created_at: { type: 'string', format: 'date-time' },
      },
    },
    OAuth1TokenInput: {
      type: 'object',
      description: "Token credentials' session, as for an API key (Tyk's session fields): the policies it applies, per-token limits, expiry.",
      properties: {
        session: openApiSchemaOf(sessionSchema),
        key_expires_in: { type: 'integer', minimum: 1, description: 'Seconds the token lives, when its session sets no expires' },
      },
    },
    OAuth1Token: {
      type: 'object',
      description:
        "OAuth 1.0a token credentials. token_secret is shown once; key_hash (the token's SHA-256) names it afterwards, as for API keys (GET/DELETE /tyk/keys/{key_hash}?hashed=true).",
      required: ['consumer_key', 'token', 'token_secret', 'key_hash', 'session'],
      properties: {
        consumer_key: { type: 'string' },
        token: { type: 'string' },
        token_secret: { type: 'string' },
        key_hash: { type: 'string' },
        session: { type: 'object' },
      },
    },
    RotatedSigningKey: {
      type: 'object',
      description: 'The key that signs from now on; earlier public keys stay in the JWKS until the tokens they signed have expired.',
      required: ['kid'],
      properties: { kid: { type: 'string' } },
    },
  };
}
