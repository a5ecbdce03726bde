import type { ValueTransformer } from 'typeorm';

/**
 * pg returns bigint columns as strings (they can exceed 2^53). Revisions count writes, so they stay
 * far below that, and the contracts carry them as numbers.
 */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
