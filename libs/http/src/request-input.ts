import type { ErrorDetail } from '@portcullis/errors';

/**
 * How deep arrays and objects may nest in a request body. An API definition, the deepest thing the
 * admin APIs take, nests under ten levels; thousands of levels only exhaust whatever walks the value
 * next (a validator, a serializer, the bus), so they are refused where the body is read.
 */
export const MAX_JSON_DEPTH = 64;

const NUL = '\u0000';

/**
 * U+0000 is never meaningful in a name, id, secret or text we take, and PostgreSQL cannot store it
 * in a text column (the query fails): it is refused as a client error before it gets that far.
 */
export function hasNul(text: string): boolean {
  return text.includes(NUL);
}

/** A key as it can be named back to the client: its NULs shown, not sent. */
function printable(key: string): string {
  return key.replaceAll(NUL, '\\u0000');
}

function join(path: string, key: string): string {
  return path === '' ? printable(key) : `${path}.${printable(key)}`;
}

/**
 * The first thing in a parsed request value (a JSON body, form fields, path or query parameters)
 * that no endpoint may receive: a NUL in any string or key, or nesting deeper than `maxDepth`.
 * Named by its dotted path (`proxy.listen_path`, `tags.2`; `(body)` for the value itself), as
 * validation errors name fields. Stops walking at `maxDepth`, so a hostile value costs no more
 * than a legitimate one.
 */
export function inputProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): ErrorDetail | undefined {
  return walk(value, '', 0, maxDepth);
}

function walk(value: unknown, path: string, depth: number, maxDepth: number): ErrorDetail | undefined {
  if (typeof value === 'string') return hasNul(value) ? { field: path || '(body)', message: 'must not contain a NUL character' } : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= maxDepth) return { field: path || '(body)', message: `nests deeper than ${maxDepth} levels` };
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const problem = walk(value[index], join(path, String(index)), depth + 1, maxDepth);
      if (problem) return problem;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (hasNul(key)) return { field: join(path, key), message: 'must not contain a NUL character' };
    const problem = walk((value as Record<string, unknown>)[key], join(path, key), depth + 1, maxDepth);
    if (problem) return problem;
  }
  return undefined;
}
