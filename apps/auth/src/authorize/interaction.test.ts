import { describe, expect, it } from 'vitest';
import { decideInteraction, type InteractionInput } from './interaction.js';

const now = Date.parse('2026-12-07T12:00:00Z');
const session = { sub: 'alice', authTime: new Date(now - 60_000) };
const base: InteractionInput = { prompt: [], maxAge: undefined, session, hintSub: undefined, consented: true, now };

describe('decideInteraction', () => {
  it('signs a user with a session and a remembered consent in silently', () => {
    expect(decideInteraction(base).kind).toBe('approve');
    expect(decideInteraction({ ...base, prompt: ['none'] }).kind).toBe('approve');
  });

  it('asks for a password without a session, with prompt=login, past max_age, or for another user than the hint names', () => {
    expect(decideInteraction({ ...base, session: null }).kind).toBe('login');
    expect(decideInteraction({ ...base, prompt: ['login'] }).kind).toBe('login');
    expect(decideInteraction({ ...base, maxAge: 59 }).kind).toBe('login');
    expect(decideInteraction({ ...base, maxAge: 60 }).kind).toBe('approve');
    expect(decideInteraction({ ...base, hintSub: 'bob' }).kind).toBe('login');
    expect(decideInteraction({ ...base, hintSub: 'alice' }).kind).toBe('approve');
  });

  it('asks for consent when none is remembered or prompt=consent', () => {
    expect(decideInteraction({ ...base, consented: false }).kind).toBe('consent');
    expect(decideInteraction({ ...base, prompt: ['consent'] }).kind).toBe('consent');
  });

  it('answers prompt=none with login_required before consent_required, never with a page', () => {
    expect(decideInteraction({ ...base, prompt: ['none'], session: null, consented: false })).toMatchObject({ kind: 'error', error: 'login_required' });
    expect(decideInteraction({ ...base, prompt: ['none'], hintSub: 'bob' })).toMatchObject({ kind: 'error', error: 'login_required' });
    expect(decideInteraction({ ...base, prompt: ['none'], consented: false })).toMatchObject({ kind: 'error', error: 'consent_required' });
  });
});
