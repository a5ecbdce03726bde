import type { Policy } from '@portcullis/domain';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './bigint-number.js';

@Entity({ name: 'policies' })
export class PolicyRecord {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  /** The validated policy, passthrough fields included, exactly as gateways receive it. */
  @Column({ type: 'jsonb' })
  definition!: Policy;

  /** The configuration revision of the write that last touched this row. */
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  revision!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
