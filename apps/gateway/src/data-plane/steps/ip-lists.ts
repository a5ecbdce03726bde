import type { ApiDefinition } from '@portcullis/domain';
import { parseIpRule, type IpRule } from '@portcullis/domain';
import { AddressList, type ClientAddress } from '../client-address.js';
import type { RequestContext } from '../request-context.js';
import { CONTINUE, fail, type Step, type StepResult } from '../step.js';

/** An API's IP lists, compiled at load. */
export interface CompiledIpAccess {
  /** enable_ip_whitelisting + allowed_ips: only these may call; null when off. */
  readonly allowed: AddressList | null;
  /** enable_ip_blacklisting + blacklisted_ips: these may not; null when off. */
  readonly blocked: AddressList | null;
  readonly clientAddress: ClientAddress;
}

const refused = fail('ip_not_allowed');

/**
 * Tyk's IP allow and block lists (mw_ip_whitelist.go, mw_ip_blacklist.go): a client outside the
 * allow list or inside the block list gets 403 "access from this IP has been disallowed". As in
 * Tyk it runs before authentication, so a refused address costs no credential lookup, and on
 * keyless APIs too. A list is on only when enabled and not empty, as Tyk's EnabledForSpec has it.
 */
export const ipLists: Step = {
  name: 'ip-lists',
  always: false,
  enabledFor: (api) => allowList(api) !== null || blockList(api) !== null,
  handle(ctx: RequestContext): StepResult {
    const access = ctx.api!.ipAccess!;
    const address = access.clientAddress.of(ctx.req);
    if (address !== null && (access.allowed === null || access.allowed.has(address)) && (access.blocked === null || !access.blocked.has(address))) {
      return CONTINUE;
    }
    ctx.refusal = 'forbidden';
    return refused;
  },
};

export function compileIpAccess(api: ApiDefinition, clientAddress: ClientAddress): CompiledIpAccess | null {
  if (!ipLists.enabledFor(api)) return null;
  const allowed = allowList(api);
  const blocked = blockList(api);
  return {
    allowed: allowed === null ? null : new AddressList(allowed),
    blocked: blocked === null ? null : new AddressList(blocked),
    clientAddress,
  };
}

function allowList(api: ApiDefinition): IpRule[] | null {
  return api.enable_ip_whitelisting === true ? rules(api.allowed_ips) : null;
}

function blockList(api: ApiDefinition): IpRule[] | null {
  return api.enable_ip_blacklisting === true ? rules(api.blacklisted_ips) : null;
}

/** Validation refused entries that are not addresses or networks; none is left to skip here. */
function rules(entries: readonly string[] | undefined): IpRule[] | null {
  if (entries === undefined || entries.length === 0) return null;
  return entries.map((entry) => parseIpRule(entry)!);
}
