import { Injectable, Logger } from '@nestjs/common';
import { Bus } from '@portcullis/bus';
import { subjects, type ApiChange } from '@portcullis/contracts';
import type { Policy } from '@portcullis/domain';
import { setTimeout as delay } from 'node:timers/promises';
import { PolicyStore } from '../storage/policy-store.js';
import { policyNotFound } from './policy-errors.js';
import { validPolicy } from './policy-input.js';

/**
 * How long a write waits for its change event to leave: the event is best effort (gateways notice
 * the revision gap and re-sync), so a bus that is down must not hold up the admin's answer.
 */
const PUBLISH_WAIT_MS = 2_000;

/**
 * Policy administration: the one place that validates, stores and announces a change, for the
 * native REST API and the bus handlers behind the gateway's `/tyk/policies` alike.
 */
@Injectable()
export class PoliciesService {
  private readonly logger = new Logger(PoliciesService.name);

  constructor(
    private readonly store: PolicyStore,
    private readonly bus: Bus,
  ) {}

  list(): Promise<Policy[]> {
    return this.store.list();
  }

  async get(id: string): Promise<Policy> {
    const policy = await this.store.get(id);
    if (!policy) throw policyNotFound(id);
    return policy;
  }

  async create(input: unknown): Promise<Policy> {
    const policy = validPolicy(input);
    const revision = await this.store.insert(policy);
    await this.announce(revision, policy.id, 'created', policy);
    return policy;
  }

  /** The id in the URL wins; a different id in the body is reported, not ignored. */
  async update(id: string, input: unknown): Promise<Policy> {
    const policy = validPolicy(input, id);
    const revision = await this.store.replace(policy);
    await this.announce(revision, id, 'updated', policy);
    return policy;
  }

  async remove(id: string): Promise<void> {
    const revision = await this.store.remove(id);
    await this.announce(revision, id, 'deleted', null);
  }

  /** Publishes a committed change; never fails the write it follows. */
  async announce(revision: number, id: string, change: ApiChange, policy: Policy | null): Promise<void> {
    const published = this.bus.publish(subjects.registryPolicyChanged, { revision, policy_id: id, change, policy }).then(
      () => true,
      (error: unknown) => {
        this.logger.warn(`could not publish ${change} of policy ${id} (revision ${revision}): ${error instanceof Error ? error.message : String(error)}`);
        return true;
      },
    );
    const waited = new AbortController();
    const sent = await Promise.race([published, delay(PUBLISH_WAIT_MS, false, { signal: waited.signal }).catch(() => false)]);
    waited.abort();
    if (!sent) this.logger.warn(`publishing ${change} of policy ${id} (revision ${revision}) is taking over ${PUBLISH_WAIT_MS} ms; not waiting for it`);
  }
}
