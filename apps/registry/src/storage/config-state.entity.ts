import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './bigint-number.js';

/**
 * One row: the configuration revision. Every write bumps it inside its own transaction, so the row
 * lock orders writers and a committed revision always comes with its committed change (a sequence's
 * last_value would also count writes still in flight, and a gateway would skip their events).
 */
@Entity({ name: 'config_state' })
export class ConfigState {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  revision!: number;
}
