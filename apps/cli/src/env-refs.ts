import { FileError } from './config-files.js';

const REFERENCE = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** The reference export writes in place of a secret: apply reads the value from this environment variable. */
export function envReference(name: string): string {
  return `\${env:${name}}`;
}

/**
 * Replaces every string that is exactly `${env:NAME}` with the variable's value, so secrets stay out
 * of the files; a variable that is not set is an error naming the file and field.
 */
export function resolveEnvRefs(value: unknown, source: string, env: NodeJS.ProcessEnv, path = ''): unknown {
  if (typeof value === 'string') {
    const match = REFERENCE.exec(value);
    if (!match) return value;
    const resolved = env[match[1]!];
    if (resolved === undefined || resolved === '') throw new FileError(`${source}: ${path || '(value)'}: environment variable ${match[1]} is not set`);
    return resolved;
  }
  if (Array.isArray(value)) return value.map((item, index) => resolveEnvRefs(item, source, env, `${path}[${index}]`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveEnvRefs(item, source, env, path ? `${path}.${key}` : key)]));
  }
  return value;
}
