import { describe, expect, it, vi } from 'vitest';
import type { ConfigChangedEvent } from '@portcullis/contracts';
import { Logger } from '@nestjs/common';
import { DebugSessionEventsController } from './debug-session-events.controller.js';
import type { ConfigSyncService } from './config-sync.service.js';

/** Whether the controller applies `event`; a refused one is dropped with a warning naming the subject. */
function applies(event: unknown): boolean {
  const applied: ConfigChangedEvent[] = [];
  const warnings: string[] = [];
  const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
  try {
    new DebugSessionEventsController({ onEvent: (e: ConfigChangedEvent) => applied.push(e) } as unknown as ConfigSyncService).onDebugSessionChanged(event);
  } finally {
    warn.mockRestore();
  }
  if (applied.length === 0) expect(warnings.join('\n')).toContain('ignored a malformed registry.debug-session.changed event');
  else expect(warnings).toEqual([]);
  return applied.length === 1;
}

describe('DebugSessionEventsController', () => {
  const session = { id: 's1', identity: 'a'.repeat(64), created_at: 1, expires_at: 2 };

  it('accepts what the registry publishes', () => {
    expect(applies({ revision: 4, session_id: 's1', change: 'created', session })).toBe(true);
    expect(applies({ revision: 4, session_id: 's1', change: 'created', session: { id: 's1', oauth_client_id: 'c', created_at: 1, expires_at: 2 } })).toBe(true);
    expect(applies({ revision: 5, session_id: 's1', change: 'deleted', session: null })).toBe(true);
  });

  it.each([
    ['no revision', { session_id: 's1', change: 'created', session }],
    ['a created event without its session', { revision: 1, session_id: 's1', change: 'created', session: null }],
    ['a session under another id', { revision: 1, session_id: 's2', change: 'created', session }],
    ['a session naming no caller', { revision: 1, session_id: 's1', change: 'created', session: { id: 's1', created_at: 1, expires_at: 2 } }],
    ['a session naming two callers', { revision: 1, session_id: 's1', change: 'created', session: { ...session, oauth_client_id: 'c' } }],
    ['a session without its end', { revision: 1, session_id: 's1', change: 'created', session: { id: 's1', identity: 'x', created_at: 1 } }],
    ['null', null],
  ])('refuses %s', (_what, event) => {
    expect(applies(event)).toBe(false);
  });
});
