import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type EntitySubscriberInterface } from 'typeorm';

/**
 * Transactions that span several stores (an import's APIs and policies; a portal app with its
 * external registration and client binding): each store's method takes the manager `run` hands
 * out, and everything commits or rolls back together.
 */
@Injectable()
export class Transactions {
  constructor(private readonly dataSource: DataSource) {}

  /** Reads outside any transaction (each statement sees what was committed when it ran). */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Tells the subscriber of every transaction's commit and rollback (ClientBindings publishes after commit). */
  subscribe(subscriber: EntitySubscriberInterface): void {
    this.dataSource.subscribers.push(subscriber);
  }

  unsubscribe(subscriber: EntitySubscriberInterface): void {
    const at = this.dataSource.subscribers.indexOf(subscriber);
    if (at >= 0) this.dataSource.subscribers.splice(at, 1);
  }
}
