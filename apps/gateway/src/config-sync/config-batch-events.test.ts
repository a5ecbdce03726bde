import { describe, expect, it, vi } from 'vitest';
import type { ConfigChangedEvent } from '@portcullis/contracts';
import { Logger } from '@nestjs/common';
import { ConfigBatchEventsController } from './config-batch-events.controller.js';
import type { ConfigSyncService } from './config-sync.service.js';

/** Whether the controller applies `event`; a refused one is dropped whole, with a warning naming the subject. */
function applies(event: unknown): boolean {
  const applied: ConfigChangedEvent[] = [];
  const warnings: string[] = [];
  const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
  try {
    new ConfigBatchEventsController({ onEvent: (e: ConfigChangedEvent) => applied.push(e) } as unknown as ConfigSyncService).onConfigBatch(event);
  } finally {
    warn.mockRestore();
  }
  if (applied.length === 0) expect(warnings.join('\n')).toContain('ignored a malformed registry.config.batch event');
  else expect(warnings).toEqual([]);
  return applied.length === 1;
}

describe('ConfigBatchEventsController', () => {
  const definition = { api_id: 'orders', name: 'Orders', proxy: { listen_path: '/orders/', target_url: 'http://u' } };
  const policy = { id: 'gold', name: 'Gold' };

  it('accepts what the registry publishes', () => {
    expect(
      applies({
        revision: 4,
        policies: [{ policy_id: 'gold', change: 'created', policy }],
        apis: [
          { api_id: 'orders', change: 'updated', definition },
          { api_id: 'old', change: 'deleted', definition: null },
        ],
      }),
    ).toBe(true);
    expect(applies({ revision: 5, policies: [], apis: [] })).toBe(true);
  });

  it.each([
    ['no revision', { policies: [], apis: [] }],
    ['no apis list', { revision: 1, policies: [] }],
    ['an API under another id', { revision: 1, policies: [], apis: [{ api_id: 'other', change: 'created', definition }] }],
    ['a created policy without its policy', { revision: 1, policies: [{ policy_id: 'gold', change: 'created', policy: null }], apis: [] }],
    ['an unknown change', { revision: 1, policies: [], apis: [{ api_id: 'orders', change: 'renamed', definition }] }],
    ['null', null],
  ])('refuses %s (the whole batch)', (_what, event) => {
    expect(applies(event)).toBe(false);
  });
});
