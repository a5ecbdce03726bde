import { z } from '@portcullis/config';
import { authModeOf, oauthMetaOf, parseJwtSource, type ApiDefinition, type AuthMode, type Policy } from '@portcullis/domain';
import type { ErrorDetail } from '@portcullis/errors';
import { detailsOf, invalid } from '../field-errors.js';
import type { DcrProvider } from '../providers/dcr-provider.js';
import { CREDENTIAL_KINDS, type CatalogueEntry, type CredentialKind } from '../portal-types.js';

const reference = z.string().trim().min(1).max(128);

export const catalogueEntryInputSchema = z
  .object({
    api_id: reference,
    policy_id: reference,
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2_000).default(''),
    documentation: z.string().max(200_000).default(''),
    openapi: z.record(z.string(), z.unknown()).nullable().default(null),
    credential_kind: z.enum(CREDENTIAL_KINDS as [CredentialKind, ...CredentialKind[]]),
    provider_id: reference.nullable().default(null),
    published: z.boolean().default(true),
  })
  .strict();

export type ValidEntryInput = z.output<typeof catalogueEntryInputSchema>;

/** What a stored entry echoes that a write may carry back (a PUT of a GET) but never changes. */
const READ_ONLY = ['id', 'created_at', 'updated_at'] as const;

/**
 * Validates a create, or an update merged over the stored entry (fields left out keep their value),
 * every problem at once.
 */
export function validEntryInput(input: unknown, stored?: CatalogueEntry): ValidEntryInput {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw invalid([{ field: '(body)', message: 'must be a JSON object' }]);
  }
  const fields: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  for (const key of READ_ONLY) delete fields[key];
  let candidate = fields;
  if (stored) {
    const { id: _id, created_at: _created, updated_at: _updated, ...current } = stored;
    candidate = { ...current, ...fields };
    // Switching away from external_dcr without naming a provider: the old provider goes with it.
    if (fields.credential_kind !== undefined && fields.credential_kind !== 'external_dcr' && !('provider_id' in fields)) candidate.provider_id = null;
  }
  const result = catalogueEntryInputSchema.safeParse(candidate);
  // Checked beside the schema, not in a refinement: zod skips refinements while fields fail, and
  // the admin should see this problem with the others.
  const problems = [...(result.success ? [] : detailsOf(result.error)), ...providerProblems(candidate.credential_kind, candidate.provider_id)];
  if (!result.success || problems.length > 0) throw invalid(problems);
  return result.data;
}

function providerProblems(kind: unknown, providerId: unknown): ErrorDetail[] {
  const named = providerId !== undefined && providerId !== null;
  if (kind === 'external_dcr' && !named) return [{ field: 'provider_id', message: 'is required for credential_kind external_dcr' }];
  if (typeof kind === 'string' && kind !== 'external_dcr' && CREDENTIAL_KINDS.includes(kind as CredentialKind) && named) {
    return [{ field: 'provider_id', message: 'is only for credential_kind external_dcr' }];
  }
  return [];
}

/**
 * Whether the gateway would verify the provider's tokens for this API: without it, every client the
 * portal registers there would get tokens the gateway refuses.
 */
function trustsProvider(api: ApiDefinition, provider: Pick<DcrProvider, 'issuer' | 'discovery_url' | 'jwks_uri'>): boolean {
  const bare = (url: string) => url.trim().replace(/\/+$/, '');
  const issuer = bare(provider.issuer);
  if ((api.jwt_issuers ?? []).some((trusted) => bare(trusted.issuer) === issuer)) return true;
  if (api.jwt_source === undefined) return false;
  const source = parseJwtSource(api.jwt_source);
  if (source.kind !== 'url') return false;
  return [issuer, `${issuer}/.well-known/openid-configuration`, bare(provider.discovery_url), bare(provider.jwks_uri)].includes(bare(source.url));
}

export function unknownProvider(providerId: string | null): ErrorDetail {
  return { field: 'provider_id', message: `no DCR provider has id ${JSON.stringify(providerId)}` };
}

/**
 * What the entry names must exist and fit: the API must take the kind of credential the entry hands
 * out (the gateway authenticates each API one way), and the policy must grant that API.
 */
export function referenceProblems(
  entry: ValidEntryInput,
  api: ApiDefinition | null,
  policy: Policy | null,
  provider: Pick<DcrProvider, 'issuer' | 'discovery_url' | 'jwks_uri'> | null,
): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  if (!api) problems.push({ field: 'api_id', message: `no API has id ${JSON.stringify(entry.api_id)}` });
  if (!policy) problems.push({ field: 'policy_id', message: `no policy has id ${JSON.stringify(entry.policy_id)}` });
  if (entry.credential_kind === 'external_dcr' && !provider) problems.push(unknownProvider(entry.provider_id));
  if (api) {
    const mode = authModeOf(api);
    const needed: Record<CredentialKind, { mode: AuthMode; says: string }> = {
      api_key: { mode: 'key', says: 'an API that takes API keys (no use_keyless, use_oauth2, enable_jwt, basic, HMAC or OAuth 1.0a)' },
      oauth_client: { mode: 'oauth2', says: 'an API with use_oauth2' },
      external_dcr: { mode: 'jwt', says: 'an API with enable_jwt (and without use_oauth2) trusting the provider' },
    };
    const want = needed[entry.credential_kind];
    if (mode !== want.mode) {
      problems.push({
        field: 'credential_kind',
        message: `${entry.credential_kind} needs ${want.says}; API ${JSON.stringify(api.api_id)} authenticates with ${mode}`,
      });
    } else if (entry.credential_kind === 'external_dcr' && provider && !trustsProvider(api, provider)) {
      problems.push({
        field: 'api_id',
        message: `API ${JSON.stringify(api.api_id)} does not trust tokens of the provider (issuer ${provider.issuer}): list it in jwt_issuers, or set jwt_source to its issuer, discovery or JWKS URL`,
      });
    } else if (entry.credential_kind === 'oauth_client' && !oauthMetaOf(api).allowed_access_types.includes('client_credentials')) {
      problems.push({
        field: 'credential_kind',
        message: `oauth_client apps use the client_credentials grant, which API ${JSON.stringify(api.api_id)} does not allow (oauth_meta.allowed_access_types)`,
      });
    }
  }
  if (policy && Object.keys(policy.access_rights).length > 0 && !Object.hasOwn(policy.access_rights, entry.api_id)) {
    problems.push({ field: 'policy_id', message: `policy ${JSON.stringify(entry.policy_id)} does not grant access to API ${JSON.stringify(entry.api_id)}` });
  }
  return problems;
}
