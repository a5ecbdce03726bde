import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { apiDefinitionSchema } from '@portcullis/domain';
import { errorCatalogue } from '@portcullis/errors';
import { oauthSchemas } from './oauth/oauth-openapi.js';
import { policySchemas } from './policies/policies-openapi.js';
import { portalSchemas } from './portal/portal-openapi.js';
import { openApiSchemaOf, schemaRef } from './openapi-schema.js';

export const apiDefinitionRef = schemaRef('ApiDefinition');
export const errorBodyRef = schemaRef('ErrorBody');

const compatibilityEntry = {
  type: 'object',
  required: ['field', 'note'],
  properties: { field: { type: 'string', example: 'CORS' }, note: { type: 'string' } },
};
/** What Portcullis does with each field of a Tyk classic definition (libs/domain's compatibility table). */
export const compatibilitySchema = {
  type: 'object',
  required: ['enforced', 'ignored', 'refused'],
  properties: {
    enforced: { type: 'array', items: { type: 'string' }, description: "Fields Portcullis acts on with Tyk's meaning" },
    ignored: { type: 'array', items: compatibilityEntry, description: 'Fields kept as sent but not acted on: none of them can widen access' },
    refused: {
      type: 'array',
      items: compatibilityEntry,
      description: 'Fields that ask for what Portcullis does not enforce: a definition using one is refused',
    },
  },
};

/** The definition's schema comes from the validator itself, so the document cannot drift from it. */
function apiDefinitionJsonSchema(): Record<string, unknown> {
  const schema = openApiSchemaOf(apiDefinitionSchema);
  return {
    ...schema,
    description: "An API definition in Tyk's classic shape. Fields not listed are kept as sent. api_id is generated when absent.",
  };
}

const errorBodySchema = {
  type: 'object',
  description: 'The one error body of every Portcullis endpoint.',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', enum: Object.keys(errorCatalogue), description: 'Stable error code' },
    message: { type: 'string' },
    details: {
      type: 'array',
      description: 'One entry per offending field',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string', example: 'proxy.listen_path' }, message: { type: 'string' } },
      },
    },
  },
};

/** Serves the admin API's OpenAPI document at /admin/openapi.json and its UI at /admin/docs. */
export function serveOpenApi(app: INestApplication): void {
  const base = new DocumentBuilder()
    .setTitle('Portcullis registry admin API')
    .setDescription(
      'API definitions, policies, the import of a Tyk file-based setup, and the OAuth clients, users, initial access tokens and signing keys of the auth service, and the developer portal (catalogue, developers and their apps). Every request needs `Authorization: Bearer <ADMIN_SECRET>`.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'admin secret', description: 'The admin secret (ADMIN_SECRET)' })
    .build();
  const document = SwaggerModule.createDocument(app, base);
  document.components = {
    ...document.components,
    schemas: {
      ...document.components?.schemas,
      ApiDefinition: apiDefinitionJsonSchema(),
      ErrorBody: errorBodySchema,
      ...oauthSchemas(),
      ...policySchemas(),
      ...portalSchemas(),
    },
  };
  SwaggerModule.setup('admin/docs', app, document, { jsonDocumentUrl: 'admin/openapi.json', raw: ['json'] });
}
