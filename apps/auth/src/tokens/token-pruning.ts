import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { TokenStore } from '../storage/token-store.js';
import { errorSummary } from '@portcullis/logging';

const PRUNE_EVERY_MS = 10 * 60_000;

/** Drops expired token rows now and then (every replica may; the deletes are idempotent). */
@Injectable()
export class TokenPruning implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(TokenPruning.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly store: TokenStore) {}

  onModuleInit(): void {
    this.timer = setInterval(
      () => void this.store.prune().catch((error: unknown) => this.logger.warn(`pruning expired tokens failed: ${errorSummary(error)}`)),
      PRUNE_EVERY_MS,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
