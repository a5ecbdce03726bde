import type { ApiDefinition } from '@portcullis/domain';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './bigint-number.js';

@Entity({ name: 'api_definitions' })
export class ApiDefinitionRecord {
  @PrimaryColumn({ name: 'api_id', type: 'text' })
  apiId!: string;

  /** `routeKey()` of the definition: the unique index on it is what really keeps routes apart. */
  @Column({ name: 'route_key', type: 'text', unique: true })
  routeKey!: string;

  /** The validated definition, passthrough fields included, exactly as gateways receive it. */
  @Column({ type: 'jsonb' })
  definition!: ApiDefinition;

  /** The configuration revision of the write that last touched this row. */
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  revision!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
