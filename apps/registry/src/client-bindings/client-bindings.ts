import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Bus } from '@portcullis/bus';
import { subjects, type ClientBinding, type ClientBindingChangedEvent } from '@portcullis/contracts';
import type { EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { nextRevision } from '../storage/revision.js';
import { deleteClientBinding, putClientBinding } from '../storage/client-binding-store.js';
import { Transactions } from '../storage/transactions.js';

/**
 * Which policies an external provider's client gets at the gateways (table `client_bindings`, keyed
 * by issuer and client id). Each write takes the caller's transaction manager, bumps the shared
 * configuration revision in it, and publishes `registry.client-binding.changed` once that
 * transaction commits (nothing when it rolls back): callers only pass their manager. The events
 * wait on the transaction's query runner, which TypeORM tells this subscriber about at commit.
 */
@Injectable()
export class ClientBindings implements EntitySubscriberInterface, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ClientBindings.name);
  private readonly pending = new WeakMap<QueryRunner, ClientBindingChangedEvent[]>();

  constructor(
    private readonly transactions: Transactions,
    private readonly bus: Bus,
  ) {}

  onModuleInit(): void {
    this.transactions.subscribe(this);
  }

  onModuleDestroy(): void {
    this.transactions.unsubscribe(this);
  }

  /** Binds (or re-binds) the client; the manager must be inside a transaction. */
  async put(binding: ClientBinding, manager: EntityManager): Promise<void> {
    const runner = transactionOf(manager);
    const revision = await nextRevision(manager);
    const change = await putClientBinding(manager, binding, revision);
    this.queue(runner, {
      revision,
      issuer: binding.issuer,
      client_id: binding.client_id,
      change,
      binding: { issuer: binding.issuer, client_id: binding.client_id, api_id: binding.api_id, policy_ids: [...binding.policy_ids], app_id: binding.app_id },
    });
  }

  /** Releases the client; its tokens stop working at every gateway. No-op when it was not bound. */
  async remove(issuer: string, clientId: string, manager: EntityManager): Promise<void> {
    const runner = transactionOf(manager);
    // The revision first: its row lock orders this write behind any other configuration write.
    const revision = await nextRevision(manager);
    await deleteClientBinding(manager, issuer, clientId);
    // Published even when nothing was bound: the revision is taken, and gateways must see no gap.
    this.queue(runner, { revision, issuer, client_id: clientId, change: 'deleted', binding: null });
  }

  // TypeORM transaction events (this class is registered as a subscriber of the registry's DataSource).

  async afterTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    // A savepoint released inside a longer transaction is not the commit yet.
    if (event.queryRunner.isTransactionActive) return;
    const events = this.pending.get(event.queryRunner);
    if (events === undefined) return;
    this.pending.delete(event.queryRunner);
    await Promise.all(events.map((change) => this.publish(change)));
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) this.pending.delete(event.queryRunner);
  }

  private queue(runner: QueryRunner, event: ClientBindingChangedEvent): void {
    const events = this.pending.get(runner);
    if (events === undefined) this.pending.set(runner, [event]);
    else events.push(event);
  }

  /** Publishes a committed change; never fails (the write is committed whatever the bus does). */
  private async publish(event: ClientBindingChangedEvent): Promise<void> {
    await this.bus.publishBestEffort(
      [{ subject: subjects.registryClientBindingChanged, payload: event }],
      `the ${event.change} binding of client ${event.client_id} (revision ${event.revision})`,
      this.logger,
    );
  }
}

function transactionOf(manager: EntityManager): QueryRunner {
  const runner = manager.queryRunner;
  // Outside a transaction there is no commit to publish after (and the revision would not be ordered).
  if (runner === undefined || !runner.isTransactionActive) throw new Error('ClientBindings writes need the manager of a transaction');
  return runner;
}
