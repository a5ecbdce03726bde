import { policySchema } from '@portcullis/domain';
import { openApiSchemaOf, schemaRef as ref } from '../openapi-schema.js';

export const policyRefs = { input: ref('PolicyInput'), policy: ref('Policy') };

/** The policy schemas come from the validator itself (zod), so the document cannot drift from what is accepted. */
export function policySchemas(): Record<string, unknown> {
  const input = openApiSchemaOf(policySchema);
  const output = openApiSchemaOf(policySchema, 'output');
  return {
    PolicyInput: {
      ...input,
      description: "A policy in Tyk's shape. Fields not listed are kept as sent. id is generated when absent; a legacy _id is taken as the id.",
    },
    Policy: {
      ...output,
      required: [...new Set([...(output.required ?? []), 'id'])],
      description: 'A policy as stored: the accepted fields with their defaults applied.',
    },
  };
}
