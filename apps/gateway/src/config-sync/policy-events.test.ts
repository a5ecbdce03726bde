import { describe, expect, it, vi } from 'vitest';
import type { ConfigChangedEvent } from '@portcullis/contracts';
import { Logger } from '@nestjs/common';
import { PolicyEventsController } from './policy-events.controller.js';
import type { ConfigSyncService } from './config-sync.service.js';

/** Whether the controller applies `event`; a refused one is dropped with a warning naming the subject. */
function applies(event: unknown): boolean {
  const applied: ConfigChangedEvent[] = [];
  const warnings: string[] = [];
  const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
  try {
    new PolicyEventsController({ onEvent: (e: ConfigChangedEvent) => applied.push(e) } as unknown as ConfigSyncService).onPolicyChanged(event);
  } finally {
    warn.mockRestore();
  }
  if (applied.length === 0) expect(warnings.join('\n')).toContain('ignored a malformed registry.policy.changed event');
  else expect(warnings).toEqual([]);
  return applied.length === 1;
}

describe('PolicyEventsController', () => {
  const policy = { id: 'gold', name: 'Gold' };

  it('accepts what the registry publishes', () => {
    expect(applies({ revision: 4, policy_id: 'gold', change: 'created', policy })).toBe(true);
    expect(applies({ revision: 5, policy_id: 'gold', change: 'deleted', policy: null })).toBe(true);
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
    expect(applies(event)).toBe(false);
  });
});
