import { Injectable } from '@nestjs/common';
import type { ReferencesCheckReply, ReferencesCheckRequest } from '@portcullis/contracts';
import { PortcullisError, type ErrorDetail } from '@portcullis/errors';
import { ApiStore } from '../storage/api-store.js';
import { PolicyStore } from '../storage/policy-store.js';

/** More than any one credential can name (a client names at most 256 of each). */
const MAX_IDS = 1024;

/**
 * Which API and policy ids name nothing the registry holds. The registry owns both, so it is the
 * one place that can say: the auth service asks here before storing a credential that names them.
 */
@Injectable()
export class References {
  constructor(
    private readonly apis: ApiStore,
    private readonly policies: PolicyStore,
  ) {}

  async missing(request: Partial<ReferencesCheckRequest> | null | undefined): Promise<ReferencesCheckReply> {
    const apiIds = idsOf(request?.api_ids, 'api_ids');
    const policyIds = idsOf(request?.policy_ids, 'policy_ids');
    const [knownApis, knownPolicies] = await Promise.all([this.apis.existing(searchable(apiIds)), this.policies.existing(searchable(policyIds))]);
    return {
      missing_api_ids: apiIds.filter((id) => !knownApis.has(id)),
      missing_policy_ids: policyIds.filter((id) => !knownPolicies.has(id)),
    };
  }
}

/** A request from another service is still input: a list of strings, bounded, or it is refused by name. */
function idsOf(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > MAX_IDS || !value.every((id) => typeof id === 'string')) {
    const problem: ErrorDetail = { field, message: `must be a list of at most ${MAX_IDS} strings` };
    throw new PortcullisError('validation_failed', undefined, [problem]);
  }
  return [...new Set(value as string[])];
}

/** PostgreSQL text cannot hold NUL: such an id names nothing, and must not reach a query. */
function searchable(ids: string[]): string[] {
  return ids.filter((id) => id !== '' && !id.includes('\0'));
}
