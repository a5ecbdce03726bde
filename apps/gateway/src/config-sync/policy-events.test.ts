import { describe, expect, it } from 'vitest';
import { isPolicyChangedEvent } from './policy-events.controller.js';

describe('isPolicyChangedEvent', () => {
  const policy = { id: 'gold', name: 'Gold' };

  it('accepts what the registry publishes', () => {
    expect(isPolicyChangedEvent({ revision: 4, policy_id: 'gold', change: 'created', policy })).toBe(true);
    expect(isPolicyChangedEvent({ revision: 5, policy_id: 'gold', change: 'deleted', policy: null })).toBe(true);
  });

  it.each([
    ['no revision', { policy_id: 'gold', change: 'created', policy }],
    ['a fractional revision', { revision: 1.5, policy_id: 'gold', change: 'created', policy }],
    ['an unknown change', { revision: 1, policy_id: 'gold', change: 'renamed', policy }],
    ['a created event without its policy', { revision: 1, policy_id: 'gold', change: 'created', policy: null }],
    ['a policy under another id', { revision: 1, policy_id: 'silver', change: 'updated', policy }],
    ['not an object', 'gold'],
    ['null', null],
  ])('refuses %s', (_what, event) => {
    expect(isPolicyChangedEvent(event)).toBe(false);
  });
});
