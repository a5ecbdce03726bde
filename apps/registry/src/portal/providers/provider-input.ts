import { z } from '@portcullis/config';
import { validationFailed } from '../field-errors.js';

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });
const names = z.array(z.string().min(1).max(100)).max(20);

/**
 * What the admin submits for a DCR provider. `initial_access_token`: absent on an update keeps the
 * stored one, null removes it (a provider with open registration).
 */
export const providerInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  /** The issuer, or its /.well-known/openid-configuration URL. */
  discovery_url: httpUrl,
  initial_access_token: z.string().min(1).max(8_192).nullable().optional(),
  grant_types: names.min(1).default(['client_credentials']),
  response_types: names.default([]),
  token_endpoint_auth_method: z.string().min(1).max(100).default('client_secret_basic'),
  scope: z.string().trim().min(1).max(1_000).nullable().optional(),
});

export type ProviderInput = z.output<typeof providerInputSchema>;

export function validProviderInput(input: unknown): ProviderInput {
  const result = providerInputSchema.safeParse(input);
  if (!result.success) throw validationFailed(result.error);
  return result.data;
}
