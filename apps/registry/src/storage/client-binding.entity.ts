import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './bigint-number.js';

/** An external client bound to the policies its tokens get at the gateways. */
@Entity({ name: 'client_bindings' })
export class ClientBindingRecord {
  @PrimaryColumn({ type: 'text' })
  issuer!: string;

  @PrimaryColumn({ name: 'client_id', type: 'text' })
  clientId!: string;

  @Column({ name: 'api_id', type: 'text' })
  apiId!: string;

  @Column({ name: 'policy_ids', type: 'jsonb' })
  policyIds!: string[];

  @Column({ name: 'app_id', type: 'text' })
  appId!: string;

  /** The configuration revision of the write that last touched this row. */
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  revision!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
