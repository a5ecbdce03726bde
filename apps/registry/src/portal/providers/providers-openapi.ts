import { openApiSchemaOf } from '../../openapi-schema.js';
import { providerInputSchema } from './provider-input.js';

/** The input schema comes from the validator itself (zod), so the document cannot drift from what is accepted. */
export const providerInputJsonSchema = {
  ...(openApiSchemaOf(providerInputSchema) as Record<string, unknown>),
  description:
    'A DCR provider. discovery_url: the issuer or its /.well-known/openid-configuration URL (fetched and checked on save). initial_access_token: absent on an update keeps the stored one, null removes it.',
};

const strings = { type: 'array', items: { type: 'string' } };

export const providerJsonSchema = {
  type: 'object',
  description: 'A DCR provider as stored: the endpoints as discovered; the initial access token is never shown.',
  required: [
    'id',
    'name',
    'discovery_url',
    'issuer',
    'registration_endpoint',
    'token_endpoint',
    'jwks_uri',
    'has_initial_access_token',
    'grant_types',
    'response_types',
    'token_endpoint_auth_method',
    'scope',
    'created_at',
    'updated_at',
  ],
  properties: {
    id: { type: 'string', format: 'uuid' },
    name: { type: 'string' },
    discovery_url: { type: 'string' },
    issuer: { type: 'string' },
    registration_endpoint: { type: 'string' },
    token_endpoint: { type: 'string' },
    jwks_uri: { type: 'string' },
    has_initial_access_token: { type: 'boolean' },
    grant_types: strings,
    response_types: strings,
    token_endpoint_auth_method: { type: 'string' },
    scope: { type: 'string', nullable: true },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
  },
};
