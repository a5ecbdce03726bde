import { z } from '@portcullis/config';

/** A reference to one of the OpenAPI document's component schemas (each module adds its own to `components.schemas`). */
export const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export type JsonSchema = { properties?: Record<string, unknown>; required?: string[]; [key: string]: unknown };

/**
 * A validator's zod schema as OpenAPI 3.0 JSON schema, so the document cannot drift from what is
 * accepted: `input` as a caller may send it, `output` as stored (defaults applied).
 */
export function openApiSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'openapi-3.0' }) as JsonSchema;
}
