import { PortcullisError } from '@portcullis/errors';
import { describe, expect, it } from 'vitest';
import { checkRoutedInput } from './request-input.check.js';
import { hasNul, inputProblem, MAX_JSON_DEPTH } from './request-input.js';

/** `{"a":{"a":...}}` with `levels` objects. */
function nested(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

function refusal(work: () => void): PortcullisError {
  try {
    work();
  } catch (error) {
    if (error instanceof PortcullisError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('inputProblem', () => {
  it('finds nothing in ordinary input', () => {
    expect(inputProblem({ name: 'orders', proxy: { listen_path: '/orders/', targets: ['http://a', 'http://b'] }, n: 1, ok: true, none: null })).toBeUndefined();
    expect(inputProblem(undefined)).toBeUndefined();
    expect(inputProblem('plain')).toBeUndefined();
  });

  it('names a NUL in a nested string value by its dotted path', () => {
    expect(inputProblem({ proxy: { listen_path: '/a\u0000b' } })).toEqual({ field: 'proxy.listen_path', message: 'must not contain a NUL character' });
    expect(inputProblem({ tags: ['ok', 'x\u0000'] })).toEqual({ field: 'tags.1', message: 'must not contain a NUL character' });
  });

  it('names a NUL in a key, showing it escaped rather than sending it back', () => {
    const problem = inputProblem({ meta: { 'a\u0000b': 1 } });
    expect(problem).toEqual({ field: 'meta.a\\u0000b', message: 'must not contain a NUL character' });
    expect(hasNul(problem!.field)).toBe(false);
  });

  it('names the body itself when it is a bare string with a NUL', () => {
    expect(inputProblem('\u0000')).toEqual({ field: '(body)', message: 'must not contain a NUL character' });
  });

  it(`takes ${MAX_JSON_DEPTH} levels of nesting and refuses one more`, () => {
    expect(inputProblem(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(inputProblem(nested(MAX_JSON_DEPTH + 1))?.message).toBe(`nests deeper than ${MAX_JSON_DEPTH} levels`);
    expect(inputProblem([[[['x']]]], 3)?.field).toBe('0.0.0');
  });

  it('refuses 5,000 levels (arrays too) without walking them all', () => {
    const deep = JSON.parse('['.repeat(5000) + ']'.repeat(5000));
    expect(inputProblem(deep)?.message).toMatch(/nests deeper/);
    expect(inputProblem(nested(5000))?.field.split('.')).toHaveLength(MAX_JSON_DEPTH);
  });
});

describe('checkRoutedInput', () => {
  it('lets ordinary input through', () => {
    expect(() => checkRoutedInput({ params: { id: 'abc' }, query: { q: '1' }, body: { name: 'x' } })).not.toThrow();
  });

  it('answers an id with a NUL in the path as not found', () => {
    const error = refusal(() => checkRoutedInput({ params: { id: 'a\u0000b' }, body: undefined }));
    expect(error.code).toBe('not_found');
  });

  it('refuses a NUL in the body or the query as validation_failed naming the field', () => {
    expect(refusal(() => checkRoutedInput({ params: {}, body: { name: 'a\u0000' } })).toBody()).toEqual({
      error: 'validation_failed',
      message: 'The request is not valid',
      details: [{ field: 'name', message: 'must not contain a NUL character' }],
    });
    expect(refusal(() => checkRoutedInput({ params: {}, query: { api_id: '\u0000' } })).details).toEqual([
      { field: 'api_id', message: 'must not contain a NUL character' },
    ]);
  });

  it('refuses a body nested too deep', () => {
    expect(refusal(() => checkRoutedInput({ body: nested(5000) })).code).toBe('validation_failed');
  });

  it('leaves a raw string body to the route that parses it', () => {
    expect(() => checkRoutedInput({ body: 'client_id=a\u0000b' })).not.toThrow();
  });
});
