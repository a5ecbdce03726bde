import { describe, expect, it, vi } from 'vitest';
import type { ConfigChangedEvent } from '@portcullis/contracts';
import { Logger } from '@nestjs/common';
import { ClientBindingEventsController } from './client-binding-events.controller.js';
import type { ConfigSyncService } from './config-sync.service.js';

/** Whether the controller applies `event`; a refused one is dropped with a warning naming the subject. */
function applies(event: unknown): boolean {
  const applied: ConfigChangedEvent[] = [];
  const warnings: string[] = [];
  const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
  try {
    new ClientBindingEventsController({ onEvent: (e: ConfigChangedEvent) => applied.push(e) } as unknown as ConfigSyncService).onClientBindingChanged(event);
  } finally {
    warn.mockRestore();
  }
  if (applied.length === 0) expect(warnings.join('\n')).toContain('ignored a malformed registry.client-binding.changed event');
  else expect(warnings).toEqual([]);
  return applied.length === 1;
}

describe('ClientBindingEventsController', () => {
  const binding = { issuer: 'https://idp.test', client_id: 'c1', api_id: 'orders', policy_ids: ['gold'], app_id: 'a1' };

  it('accepts what the registry publishes', () => {
    expect(applies({ revision: 4, issuer: 'https://idp.test', client_id: 'c1', change: 'created', binding })).toBe(true);
    expect(applies({ revision: 5, issuer: 'https://idp.test', client_id: 'c1', change: 'deleted', binding: null })).toBe(true);
  });

  it.each([
    ['no revision', { issuer: 'https://idp.test', client_id: 'c1', change: 'created', binding }],
    ['an unknown change', { revision: 1, issuer: 'https://idp.test', client_id: 'c1', change: 'renamed', binding }],
    ['a created event without its binding', { revision: 1, issuer: 'https://idp.test', client_id: 'c1', change: 'created', binding: null }],
    ['a binding of another client', { revision: 1, issuer: 'https://idp.test', client_id: 'c2', change: 'updated', binding }],
    ['a binding of another issuer', { revision: 1, issuer: 'https://evil.test', client_id: 'c1', change: 'updated', binding }],
    [
      'policy ids that are not strings',
      { revision: 1, issuer: 'https://idp.test', client_id: 'c1', change: 'created', binding: { ...binding, policy_ids: [1] } },
    ],
    ['a deleted event still carrying a binding', { revision: 1, issuer: 'https://idp.test', client_id: 'c1', change: 'deleted', binding }],
    ['null', null],
  ])('refuses %s', (_what, event) => {
    expect(applies(event)).toBe(false);
  });
});
