import { describe, expect, it } from 'vitest';
import { isClientBindingChangedEvent } from './client-binding-events.controller.js';

describe('isClientBindingChangedEvent', () => {
  const binding = { issuer: 'https://idp.test', client_id: 'c1', api_id: 'orders', policy_ids: ['gold'], app_id: 'a1' };

  it('accepts what the registry publishes', () => {
    expect(isClientBindingChangedEvent({ revision: 4, issuer: 'https://idp.test', client_id: 'c1', change: 'created', binding })).toBe(true);
    expect(isClientBindingChangedEvent({ revision: 5, issuer: 'https://idp.test', client_id: 'c1', change: 'deleted', binding: null })).toBe(true);
  });

  it.each([
    ['no revision', { issuer: 'https://idp.test', client_id: 'c1', change: 'created', binding }],
    ['an unknown change', { revision: 1, issuer: 'https://idp.test', client_id: 'c1', change: 'renamed', binding }],
    ['a created event without its binding', { revision: 1, issuer: 'https://idp.test', client_id: 'c1', change: 'created', binding: null }],
    ['a binding of another client', { revision: 1, issuer: 'https://idp.test', client_id: 'c2', change: 'updated', binding }],
    ['a binding of another issuer', { revision: 1, issuer: 'https://evil.test', client_id: 'c1', change: 'updated', binding }],
    ['policy ids that are not strings', { revision: 1, issuer: 'https://idp.test', client_id: 'c1', change: 'created', binding: { ...binding, policy_ids: [1] } }],
    ['a deleted event still carrying a binding', { revision: 1, issuer: 'https://idp.test', client_id: 'c1', change: 'deleted', binding }],
    ['null', null],
  ])('refuses %s', (_what, event) => {
    expect(isClientBindingChangedEvent(event)).toBe(false);
  });
});
