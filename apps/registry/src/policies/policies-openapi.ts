import { z } from '@portcullis/config';
import { policySchema } from '@portcullis/domain';
import { schemaRef as ref } from '../schema-ref.js';

export const policyRefs = { input: ref('PolicyInput'), policy: ref('Policy') };

type JsonSchema = { properties?: Record<string, unknown>; required?: string[]; [key: string]: unknown };

/** The policy schemas come from the validator itself (zod), so the document cannot drift from what is accepted. */
export function policySchemas(): Record<string, unknown> {
  const input = z.toJSONSchema(policySchema, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' }) as JsonSchema;
  const output = z.toJSONSchema(policySchema, { io: 'output', unrepresentable: 'any', target: 'openapi-3.0' }) as JsonSchema;
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
