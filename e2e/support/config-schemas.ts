import { z } from 'zod';
import type { ServiceName } from './compose-services.js';

/**
 * Which environment variables each service's own config schema reads, and which it requires,
 * taken from the schemas themselves (apps/<name>/src/config.ts) so the compose file is checked
 * against the code, not against a second list that could drift.
 */

export interface SchemaVariables {
  known: string[];
  /** Variables without a default: the service refuses to start without them. */
  required: string[];
}

const configModules: Record<ServiceName, () => Promise<Record<string, unknown>>> = {
  registry: () => import('../../apps/registry/src/config.js'),
  auth: () => import('../../apps/auth/src/config.js'),
  gateway: () => import('../../apps/gateway/src/config.js'),
};

export async function configVariables(name: ServiceName): Promise<SchemaVariables> {
  const module = await configModules[name]();
  const schemas = Object.values(module).filter((value): value is z.ZodType => value instanceof z.ZodType);
  if (schemas.length !== 1) throw new Error(`apps/${name}/src/config.ts should export exactly one zod schema, found ${schemas.length}`);
  const shape = objectShape(schemas[0]!);
  const known = Object.keys(shape);
  const required = known.filter((key) => !shape[key]!.safeParse(undefined).success);
  return { known, required };
}

/** Loads the service's config the way its main.ts does, so a bad value fails here with its message. */
export async function loadServiceConfig(name: ServiceName, env: Record<string, string>): Promise<unknown> {
  const module = await configModules[name]();
  const loader = Object.entries(module).find(([key, value]) => /^load\w*Config$/.test(key) && typeof value === 'function');
  if (!loader) throw new Error(`apps/${name}/src/config.ts exports no load...Config function`);
  return (loader[1] as (env: Record<string, string>) => unknown)(env);
}

/** The object under `.transform()`s and pipes: the variables as the schema declares them. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> {
  let current: unknown = schema;
  for (let depth = 0; depth < 10; depth++) {
    if (current instanceof z.ZodObject) return current.shape as Record<string, z.ZodType>;
    if (current instanceof z.ZodPipe) current = current.in;
    else break;
  }
  throw new Error('config schema is not a zod object (optionally piped through transforms)');
}
