import { Injectable } from '@nestjs/common';
import { Bus } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import { PortcullisError, type ErrorDetail } from '@portcullis/errors';
import type { NamedReference } from './named-references.js';

/**
 * Refuses a credential naming an API or policy that does not exist, before it is stored. The
 * registry owns both and the auth service never reads its tables, so it asks the registry over the
 * bus. Every door that stores clients, keys or initial access tokens (Tyk's /tyk/ on a gateway, the
 * registry's admin API, the portal, RFC 7591 registration) ends in the services that call this.
 * The registry unreachable: 503, never a credential stored unchecked.
 */
@Injectable()
export class RegistryReferences {
  constructor(private readonly bus: Bus) {}

  async requireExisting(named: readonly NamedReference[]): Promise<void> {
    if (named.length === 0) return;
    const ids = (kind: NamedReference['kind']) => [...new Set(named.filter((reference) => reference.kind === kind).map((reference) => reference.id))];
    const reply = await this.bus.request(subjects.registryReferencesCheck, { api_ids: ids('api'), policy_ids: ids('policy') });
    const missing = { api: new Set(reply.missing_api_ids), policy: new Set(reply.missing_policy_ids) };
    const problems: ErrorDetail[] = named
      .filter((reference) => missing[reference.kind].has(reference.id))
      .map((reference) => ({ field: reference.field, message: `no ${reference.kind === 'api' ? 'API' : 'policy'} has id ${JSON.stringify(reference.id)}` }));
    if (problems.length > 0) throw new PortcullisError('validation_failed', undefined, problems);
  }
}
