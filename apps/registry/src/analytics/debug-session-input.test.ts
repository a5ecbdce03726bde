import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { MAX_DEBUG_SESSION_SECONDS, parseDebugSessionInput } from './debug-session-input.js';

function fields(body: unknown): string[] {
  const result = parseDebugSessionInput(body);
  if (result.ok) throw new Error('expected the input to be refused');
  return result.errors.map((error) => error.field);
}

describe('parseDebugSessionInput', () => {
  it('hashes a key as the gateway does (its identity is the SHA-256), and never keeps the key', () => {
    const result = parseDebugSessionInput({ key: 'a-key-of-some-caller', duration_seconds: 60 });
    const hash = createHash('sha256').update('a-key-of-some-caller').digest('hex');
    expect(result).toEqual({ ok: true, value: { target: { identity: hash }, durationSeconds: 60 } });
    expect(JSON.stringify(result)).not.toContain('a-key-of-some-caller');
  });

  it('takes an identity hash (any case) or an OAuth client id', () => {
    expect(parseDebugSessionInput({ identity: 'AB'.repeat(32), duration_seconds: 1 })).toEqual({
      ok: true,
      value: { target: { identity: 'ab'.repeat(32) }, durationSeconds: 1 },
    });
    expect(parseDebugSessionInput({ oauth_client_id: 'client-1', duration_seconds: MAX_DEBUG_SESSION_SECONDS })).toEqual({
      ok: true,
      value: { target: { oauth_client_id: 'client-1' }, durationSeconds: MAX_DEBUG_SESSION_SECONDS },
    });
  });

  it('refuses a caller it cannot be: a key with spaces, an identity that is not a SHA-256, none, or two', () => {
    expect(fields({ key: 'has a space', duration_seconds: 60 })).toEqual(['key']);
    expect(fields({ key: '', duration_seconds: 60 })).toEqual(['key']);
    expect(fields({ key: 'k'.repeat(257), duration_seconds: 60 })).toEqual(['key']);
    expect(fields({ identity: 'abc', duration_seconds: 60 })).toEqual(['identity']);
    expect(fields({ duration_seconds: 60 })).toEqual(['key']);
    expect(fields({ key: 'k', oauth_client_id: 'c', duration_seconds: 60 })).toEqual(['key']);
  });

  it('refuses a negative, zero, fractional, huge or missing duration, and collects every problem', () => {
    for (const duration of [-1, 0, 1.5, MAX_DEBUG_SESSION_SECONDS + 1, 1e12, '60', null])
      expect(fields({ key: 'k', duration_seconds: duration })).toEqual(['duration_seconds']);
    expect(fields({ key: 'k' })).toEqual(['duration_seconds']);
    expect(fields({ identity: 'x', duration_seconds: -5, colour: 'red' }).sort()).toEqual(['colour', 'duration_seconds', 'identity']);
  });

  it('refuses a body that is not an object', () => {
    for (const body of [null, [], 'key', 3]) expect(fields(body)).toEqual(['body']);
  });
});
