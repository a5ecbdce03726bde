import { Injectable } from '@nestjs/common';
import type { StoredClient } from './stored-client.js';

/** A safety net for a missed `auth.client.changed` event: no copy is trusted for longer than this. */
const MAX_AGE_MS = 60_000;
const MAX_ENTRIES = 10_000;

/**
 * Clients recently read for authentication, so the token endpoint does not read the database for
 * the client on every request. Invalidated on every change (here, and on other replicas through
 * `auth.client.changed`). A read that started before an invalidation does not store its result:
 * it may hold the old secret.
 */
@Injectable()
export class ClientCache {
  private readonly entries = new Map<string, { client: StoredClient; at: number }>();
  private readonly generations = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  get(clientId: string): StoredClient | undefined {
    const entry = this.entries.get(clientId);
    if (!entry) return undefined;
    if (this.now() - entry.at > MAX_AGE_MS) {
      this.entries.delete(clientId);
      return undefined;
    }
    return entry.client;
  }

  /** Take before reading the database; pass to `set`. */
  generation(clientId: string): number {
    return this.generations.get(clientId) ?? 0;
  }

  set(clientId: string, client: StoredClient, generation: number): void {
    if (this.generation(clientId) !== generation) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(clientId, { client, at: this.now() });
  }

  invalidate(clientId: string): void {
    this.entries.delete(clientId);
    this.generations.set(clientId, this.generation(clientId) + 1);
    if (this.generations.size > MAX_ENTRIES) this.generations.clear();
  }
}
