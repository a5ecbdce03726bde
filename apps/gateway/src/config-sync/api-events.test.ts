import { Logger } from '@nestjs/common';
import type { ConfigChangedEvent } from '@portcullis/contracts';
import { describe, expect, it, vi } from 'vitest';
import { ApiEventsController } from './api-events.controller.js';
import type { ConfigSyncService } from './config-sync.service.js';

/** Whether the controller applies `event`; a refused one is dropped with a warning naming the subject. */
function applies(event: unknown): boolean {
  const applied: ConfigChangedEvent[] = [];
  const warnings: string[] = [];
  const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
  try {
    new ApiEventsController({ onEvent: (e: ConfigChangedEvent) => applied.push(e) } as unknown as ConfigSyncService).onApiChanged(event);
  } finally {
    warn.mockRestore();
  }
  if (applied.length === 0) expect(warnings.join('\n')).toContain('ignored a malformed registry.api.changed event');
  else expect(warnings).toEqual([]);
  return applied.length === 1;
}

describe('ApiEventsController', () => {
  const definition = { api_id: 'orders', name: 'Orders', proxy: { listen_path: '/orders/', target_url: 'http://upstream.test' } };

  it('applies what the registry publishes, the definition whole', () => {
    expect(applies({ revision: 4, api_id: 'orders', change: 'created', definition })).toBe(true);
    expect(applies({ revision: 5, api_id: 'orders', change: 'deleted', definition: null })).toBe(true);
    const applied: ConfigChangedEvent[] = [];
    new ApiEventsController({ onEvent: (e: ConfigChangedEvent) => applied.push(e) } as unknown as ConfigSyncService).onApiChanged({
      revision: 4,
      api_id: 'orders',
      change: 'updated',
      definition,
    });
    expect(applied).toEqual([{ revision: 4, api_id: 'orders', change: 'updated', definition }]);
  });

  it.each([
    ['no revision', { api_id: 'orders', change: 'created', definition }],
    ['a negative revision', { revision: -1, api_id: 'orders', change: 'created', definition }],
    ['an unknown change', { revision: 1, api_id: 'orders', change: 'renamed', definition }],
    ['a created event without its definition', { revision: 1, api_id: 'orders', change: 'created', definition: null }],
    ['a definition without a proxy', { revision: 1, api_id: 'orders', change: 'updated', definition: { api_id: 'orders' } }],
    ['a definition under another id', { revision: 1, api_id: 'payments', change: 'updated', definition }],
    ['null', null],
  ])('drops %s', (_what, event) => {
    expect(applies(event)).toBe(false);
  });
});
