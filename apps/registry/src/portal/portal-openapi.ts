import { openApiSchemaOf, schemaRef as ref } from '../openapi-schema.js';
import { catalogueEntryInputSchema } from './catalogue/catalogue-input.js';
import { CREDENTIAL_KINDS, DEVELOPER_STATUSES } from './portal-types.js';

export const portalRefs = {
  entryInput: ref('CatalogueEntryInput'),
  entry: ref('CatalogueEntry'),
  developer: ref('Developer'),
  app: ref('PortalApp'),
  resetLink: ref('PasswordResetLink'),
};

const timestamp = { type: 'string', format: 'date-time' };
const nullableString = { type: 'string', nullable: true };

/** The portal core's schemas; the entry input comes from its validator, so the two cannot drift. */
export function portalSchemas(): Record<string, unknown> {
  const input = openApiSchemaOf(catalogueEntryInputSchema);
  return {
    CatalogueEntryInput: {
      ...input,
      description:
        "A catalogue entry: the API, the policy developers' credentials get, and how they get them. On PUT, fields left out keep their value. " +
        'api_key needs an API taking API keys, oauth_client an API with use_oauth2, external_dcr an API with enable_jwt and a provider_id.',
    },
    CatalogueEntry: {
      type: 'object',
      required: [
        'id',
        'api_id',
        'policy_id',
        'name',
        'description',
        'documentation',
        'openapi',
        'credential_kind',
        'provider_id',
        'published',
        'created_at',
        'updated_at',
      ],
      properties: {
        id: { type: 'string', format: 'uuid' },
        api_id: { type: 'string' },
        policy_id: { type: 'string' },
        name: { type: 'string' },
        description: { type: 'string' },
        documentation: { type: 'string', description: 'Markdown' },
        openapi: { type: 'object', nullable: true, additionalProperties: true },
        credential_kind: { type: 'string', enum: [...CREDENTIAL_KINDS] },
        provider_id: { ...nullableString, description: 'external_dcr only' },
        published: { type: 'boolean' },
        created_at: timestamp,
        updated_at: timestamp,
      },
    },
    Developer: {
      type: 'object',
      required: ['id', 'email', 'status', 'created_at'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        email: { type: 'string', format: 'email' },
        status: {
          type: 'string',
          enum: [...DEVELOPER_STATUSES],
          description: 'pending: waits for approval (PORTAL_REQUIRE_APPROVAL); blocked: cannot log in, holds no credentials',
        },
        created_at: timestamp,
      },
    },
    PortalApp: {
      type: 'object',
      required: ['id', 'developer_id', 'entry_id', 'name', 'kind', 'key_hash', 'client_id', 'provider_id', 'created_at', 'updated_at'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        developer_id: { type: 'string', format: 'uuid' },
        entry_id: { type: 'string', format: 'uuid' },
        name: { type: 'string' },
        kind: { type: 'string', enum: [...CREDENTIAL_KINDS] },
        key_hash: { ...nullableString, description: 'api_key: the SHA-256 of the key (the key itself is never stored)' },
        client_id: { ...nullableString, description: "oauth_client: our auth service's client; external_dcr: the provider's" },
        provider_id: nullableString,
        created_at: timestamp,
        updated_at: timestamp,
      },
    },
    PasswordResetLink: {
      type: 'object',
      required: ['url', 'expires_at'],
      properties: {
        url: { type: 'string', format: 'uri', description: 'Single use; give it to the developer' },
        expires_at: timestamp,
      },
    },
  };
}
