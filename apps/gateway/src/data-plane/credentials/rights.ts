import { combinePolicies, type CombineRefusal, type Policy, type Session, type SessionLimits } from '@portcullis/domain';
import type { CompiledRights } from '../identity.js';

export type PolicyTable = ReadonlyMap<string, Policy>;

/** Rights that allow nothing: for a credential whose policies cannot be applied (Tyk: 403). */
export const NO_RIGHTS: CompiledRights = Object.freeze({
  active: false,
  rate: 0,
  per: 0,
  quotaMax: -1,
  quotaRenewalRate: -1,
  accessRights: new Map(),
  policyIds: [],
  inactiveBecause: null,
});

/**
 * The rights of a credential refused for a policy that is gone (deleted since it was issued, as Tyk
 * allows), saying which: its holder can tell an admin. Other refusals say nothing more.
 */
function refusedRights(refusal: CombineRefusal): CompiledRights {
  if (refusal.reason !== 'policy_not_found') return NO_RIGHTS;
  return Object.freeze({ ...NO_RIGHTS, inactiveBecause: `Policy '${refusal.policyId}' no longer exists` });
}

const MAX_TOKEN_POLICY_SETS = 10_000;

function rightsOf(limits: SessionLimits, policies: PolicyTable): CompiledRights {
  const combined = combinePolicies(limits, policies);
  return combined.ok ? Object.freeze({ ...combined.rights, inactiveBecause: null }) : refusedRights(combined);
}

/**
 * Compiles rights (the domain's `combinePolicies`, Tyk's rules) once per (credential, policy table)
 * and shares them. The store replaces the policy table whole when a policy changes, so a new table
 * starts a new generation: a change reaches every credential that carries the policy at once.
 */
export class RightsCompiler {
  private generation: PolicyTable | null = null;
  private readonly byPolicies = new Map<string, CompiledRights>();

  /** Rights of a token that names policies (JWT claims, scope mapping, defaults, OAuth `pol`). */
  forPolicies(ids: readonly string[], policies: PolicyTable): CompiledRights {
    if (this.generation !== policies) {
      this.generation = policies;
      this.byPolicies.clear();
    }
    const key = ids.join('\n');
    let rights = this.byPolicies.get(key);
    if (rights === undefined) {
      rights = rightsOf(tokenSession(ids), policies);
      // Claims are chosen by whoever issues tokens: distinct policy lists must not grow without end.
      if (this.byPolicies.size >= MAX_TOKEN_POLICY_SETS) this.byPolicies.clear();
      this.byPolicies.set(key, rights);
    }
    return rights;
  }

  /** Rights of a key's session: its policies when it applies any (Tyk), else its own fields. */
  forSession(session: Session, policies: PolicyTable): CompiledRights {
    return rightsOf(session, policies);
  }
}

/** A token has no limits of its own: everything comes from the policies it names. */
function tokenSession(ids: readonly string[]): SessionLimits {
  return { rate: 0, per: 0, quota_max: -1, quota_renewal_rate: -1, access_rights: {}, tags: [], apply_policies: [...ids], is_inactive: false, org_id: '' };
}
