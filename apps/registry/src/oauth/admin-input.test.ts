import { PortcullisError } from '@portcullis/errors';
import { describe, expect, it } from 'vitest';
import { jsonObject, optionalQueryString } from './admin-input.js';

function fieldsOf(work: () => unknown): string[] {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(PortcullisError);
    expect((error as PortcullisError).status).toBe(400);
    return ((error as PortcullisError).details ?? []).map((detail) => detail.field);
  }
  throw new Error('expected a validation error');
}

describe('jsonObject', () => {
  it('passes an object through as it is', () => {
    const body = { username: 'ada', extra: [1] };
    expect(jsonObject(body)).toBe(body);
  });

  it('refuses arrays, null, strings and numbers, naming the body', () => {
    for (const body of [[], null, 'x', 42, true]) expect(fieldsOf(() => jsonObject(body))).toEqual(['(body)']);
  });

  it('takes an absent body as empty only when the body is optional', () => {
    expect(jsonObject(undefined, { optional: true })).toEqual({});
    expect(fieldsOf(() => jsonObject(undefined))).toEqual(['(body)']);
    expect(fieldsOf(() => jsonObject(null, { optional: true }))).toEqual(['(body)']);
  });
});

describe('optionalQueryString', () => {
  it('gives a single value, or undefined when absent', () => {
    expect(optionalQueryString('orders', 'api_id')).toBe('orders');
    expect(optionalQueryString(undefined, 'api_id')).toBeUndefined();
  });

  it('refuses a repeated or empty parameter, naming it', () => {
    expect(fieldsOf(() => optionalQueryString(['a', 'b'], 'api_id'))).toEqual(['api_id']);
    expect(fieldsOf(() => optionalQueryString('', 'api_id'))).toEqual(['api_id']);
  });
});
