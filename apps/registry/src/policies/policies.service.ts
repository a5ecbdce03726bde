import { Injectable, Logger } from '@nestjs/common';
import { Bus } from '@portcullis/bus';
import { subjects, type ApiChange } from '@portcullis/contracts';
import type { Policy } from '@portcullis/domain';
import { PolicyStore } from '../storage/policy-store.js';
import { policyNotFound } from '../storage/policy-errors.js';
import { validPolicy } from './policy-input.js';

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
    await this.bus.publishBestEffort(
      [{ subject: subjects.registryPolicyChanged, payload: { revision, policy_id: id, change, policy } }],
      `${change} of policy ${id} (revision ${revision})`,
      this.logger,
    );
  }
}
