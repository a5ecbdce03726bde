import { PortcullisError } from '@portcullis/errors';
import { inputProblem, PrototypeKeyError, refusePrototypeKeys } from '@portcullis/http';

/**
 * The editor's text as the JSON document the admin API would have received: parsed as the admin
 * API parses bodies (no prototype keys, the same nesting and NUL checks), its problems named as a
 * validation failure so the page shows them beside the document.
 */
export function parseJsonDocument(text: string): unknown {
  if (text.trim() === '') throw new PortcullisError('validation_failed', 'The document is empty.', [{ field: 'document', message: 'is required' }]);
  let value: unknown;
  try {
    value = JSON.parse(text, refusePrototypeKeys);
  } catch (error) {
    if (error instanceof PrototypeKeyError) {
      throw new PortcullisError('validation_failed', 'The document has a field that is not allowed.', [{ field: 'document', message: error.message }]);
    }
    // V8's message names the position ("Unexpected token } in JSON at position 12"): the operator needs it.
    const reason = error instanceof SyntaxError ? error.message : 'it could not be read';
    throw new PortcullisError('validation_failed', 'The document is not valid JSON.', [{ field: 'document', message: reason }]);
  }
  const problem = inputProblem(value);
  if (problem) throw new PortcullisError('validation_failed', 'The document cannot be accepted.', [problem]);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new PortcullisError('validation_failed', 'The document must be a JSON object.', [{ field: 'document', message: 'must be a JSON object ({ ... })' }]);
  }
  return value;
}
