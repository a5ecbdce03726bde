/** What the API page lists of an entry's OpenAPI document: its title, version and operations. */
export interface OpenApiSummary {
  title: string | null;
  version: string | null;
  operations: { method: string; path: string; summary: string }[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
/** A page, not a reference: the download has everything. */
const MAX_OPERATIONS = 200;

/** The document is whatever the admin stored: every field is checked before it is read. */
export function summariseOpenApi(document: Record<string, unknown>): OpenApiSummary {
  const info = record(document['info']);
  const operations: OpenApiSummary['operations'] = [];
  for (const [path, item] of Object.entries(record(document['paths']))) {
    for (const method of METHODS) {
      const operation = record(record(item)[method]);
      if (Object.keys(operation).length === 0 && !(method in record(item))) continue;
      if (operations.length === MAX_OPERATIONS) break;
      operations.push({ method: method.toUpperCase(), path, summary: text(operation['summary']) ?? text(operation['operationId']) ?? '' });
    }
  }
  return { title: text(info['title']), version: text(info['version']), operations };
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}
