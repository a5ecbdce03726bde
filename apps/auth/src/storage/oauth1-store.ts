import { Injectable } from '@nestjs/common';
import { qualifiedTable, sweeper } from '@portcullis/database';
import { DataSource } from 'typeorm';
import { OAuth1ConsumerRecord } from './oauth1-consumer.entity.js';

/** OAuth 1.0a consumers (their secrets sealed) by consumer key. */
@Injectable()
export class OAuth1ConsumerStore {
  constructor(private readonly dataSource: DataSource) {}

  async insert(consumer: OAuth1ConsumerRecord): Promise<void> {
    await this.dataSource.manager.insert(OAuth1ConsumerRecord, consumer);
  }

  find(consumerKey: string): Promise<OAuth1ConsumerRecord | null> {
    return this.dataSource.manager.findOneBy(OAuth1ConsumerRecord, { consumerKey });
  }

  exists(consumerKey: string): Promise<boolean> {
    return this.dataSource.manager.existsBy(OAuth1ConsumerRecord, { consumerKey });
  }
}

/** One OAuth 1.0a nonce claim: the primary key of `oauth1_nonces`. */
export interface OAuth1NonceClaim {
  consumer_key: string;
  token: string;
  timestamp: number;
  nonce: string;
}

/** Spent OAuth 1.0a nonces, each kept while its timestamp is inside the window. */
@Injectable()
export class OAuth1NonceStore {
  /** Spent nonces past their window, swept from the claim path. */
  private readonly sweepNowAndThen = sweeper(this.dataSource, () => `DELETE FROM ${this.table()} WHERE expires_at < now()`);

  constructor(private readonly dataSource: DataSource) {}

  /** True for the first claim of this consumer, token, timestamp and nonce: the primary key decides. */
  async claim({ consumer_key, token, timestamp, nonce }: OAuth1NonceClaim, windowSeconds: number, now: number): Promise<boolean> {
    const inserted = (await this.dataSource.query(
      `INSERT INTO ${this.table()} (consumer_key, token, "timestamp", nonce, expires_at)
       VALUES ($1, $2, $3::bigint, $4, to_timestamp($3::bigint + $5::int))
       ON CONFLICT DO NOTHING RETURNING 1 AS spent`,
      [consumer_key, token, timestamp, nonce, windowSeconds],
    )) as unknown[];
    this.sweepNowAndThen(now);
    return inserted.length === 1;
  }

  private table(): string {
    return qualifiedTable(this.dataSource, 'oauth1_nonces');
  }
}
