import { describe, expect, it } from 'vitest';
import { eventHandlerErrors, readEventHandlers } from './event-handlers.js';
import { validateApiDefinition } from './api-definition.js';
import { compatibilityReport } from './tyk-compatibility.js';

const webhook = (meta: Record<string, unknown>) => ({
  handler_name: 'eh_web_hook_handler',
  handler_meta: { method: 'POST', target_path: 'https://hooks.example/breakers', ...meta },
});
const withEvents = (events: Record<string, unknown>) => ({ event_handlers: { events } });
const fields = (events: Record<string, unknown>) => eventHandlerErrors(withEvents(events)).map((error) => error.field);

describe('event_handlers', () => {
  it('reads webhooks and log handlers of the events Portcullis raises', () => {
    const spec = readEventHandlers(
      withEvents({
        BreakerTripped: [
          webhook({ header_map: { 'X-Token': 'secret' }, event_timeout: 10, template_path: 'templates/breaker.json' }),
          { handler_name: 'eh_log_handler', handler_meta: { prefix: 'ops' } },
        ],
        HostDown: [webhook({ method: 'put' })],
        VersionFailure: [webhook({})],
      }),
      [],
    );
    expect(spec?.get('BreakerTripped')).toEqual([
      { kind: 'webhook', method: 'POST', targetUrl: 'https://hooks.example/breakers', headers: { 'X-Token': 'secret' }, cooldownSeconds: 10 },
      { kind: 'log', prefix: 'ops' },
    ]);
    expect(spec?.get('HostDown')?.[0]).toMatchObject({ method: 'PUT' });
    // Kept in the definition, not raised: not compiled.
    expect(spec?.has('VersionFailure' as never)).toBe(false);
  });

  it('defaults the method to GET as Tyk, skips a disabled webhook, and has no spec without handlers', () => {
    expect(
      readEventHandlers(withEvents({ HostUp: [{ handler_name: 'eh_web_hook_handler', handler_meta: { target_path: 'http://h.example/' } }] }), [])?.get(
        'HostUp',
      )?.[0],
    ).toMatchObject({ method: 'GET', cooldownSeconds: 0 });
    expect(readEventHandlers(withEvents({ HostUp: [webhook({ disabled: true })] }), [])).toBeNull();
    expect(readEventHandlers({ event_handlers: { events: {} } }, [])).toBeNull();
    expect(readEventHandlers({}, [])).toBeNull();
  });

  it('names each bad field', () => {
    expect(fields({ BreakerTriped: [webhook({})] })).toEqual(['event_handlers.events.BreakerTriped']);
    expect(fields({ BreakerTripped: [webhook({ target_path: 'ftp://h.example/' })] })).toEqual([
      'event_handlers.events.BreakerTripped.0.handler_meta.target_path',
    ]);
    expect(fields({ BreakerTripped: [webhook({ target_path: '/relative' })] })).toEqual(['event_handlers.events.BreakerTripped.0.handler_meta.target_path']);
    expect(fields({ BreakerTripped: [webhook({ target_path: 'https://user:pw@h.example/' })] })).toEqual([
      'event_handlers.events.BreakerTripped.0.handler_meta.target_path',
    ]);
    expect(fields({ BreakerTripped: [webhook({ method: 'TRACE' })] })).toEqual(['event_handlers.events.BreakerTripped.0.handler_meta.method']);
    expect(fields({ BreakerTripped: [webhook({ header_map: { 'X-A': 1 } })] })).toEqual(['event_handlers.events.BreakerTripped.0.handler_meta.header_map.X-A']);
    expect(fields({ BreakerTripped: [webhook({ header_map: { 'X-A': 'a\r\nX-B: b' } })] })).toEqual([
      'event_handlers.events.BreakerTripped.0.handler_meta.header_map.X-A',
    ]);
    expect(fields({ BreakerTripped: [webhook({ header_map: 'X-A: a' })] })).toEqual(['event_handlers.events.BreakerTripped.0.handler_meta.header_map']);
    expect(fields({ BreakerTripped: [webhook({ event_timeout: -1 })] })).toEqual(['event_handlers.events.BreakerTripped.0.handler_meta.event_timeout']);
    expect(fields({ BreakerTripped: [webhook({ event_timeout: '10' })] })).toEqual(['event_handlers.events.BreakerTripped.0.handler_meta.event_timeout']);
    expect(fields({ BreakerTripped: [{ handler_name: 'eh_js_handler', handler_meta: { name: 'x', path: 'x.js' } }] })).toEqual([
      'event_handlers.events.BreakerTripped.0.handler_name',
    ]);
    expect(fields({ BreakerTripped: [{ handler_name: 'eh_nope' }] })).toEqual(['event_handlers.events.BreakerTripped.0.handler_name']);
    expect(fields({ BreakerTripped: webhook({}) })).toEqual(['event_handlers.events.BreakerTripped']);
  });

  it('refuses a definition with a bad handler, naming the field', () => {
    const definition = {
      api_id: 'events',
      name: 'events',
      use_keyless: true,
      proxy: { listen_path: '/events/', target_url: 'http://127.0.0.1:1' },
      ...withEvents({ BreakerReset: [webhook({ target_path: 'not a url' })] }),
    };
    const result = validateApiDefinition(definition);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((error) => error.field)).toContain('event_handlers.events.BreakerReset.0.handler_meta.target_path');
    expect(validateApiDefinition({ ...definition, ...withEvents({ BreakerReset: [webhook({})] }) }).ok).toBe(true);
  });

  it('reports raised events as enforced and the others as ignored', () => {
    const report = compatibilityReport(
      withEvents({ BreakerTripped: [webhook({})], HostUp: [webhook({})], AuthFailure: [webhook({})], TokenCreated: [webhook({})] }),
    );
    expect(report.enforced).toEqual(
      expect.arrayContaining(['event_handlers', 'event_handlers.events.BreakerTripped', 'event_handlers.events.HostUp', 'event_handlers.events.AuthFailure']),
    );
    expect(report.ignored.map((entry) => entry.field)).toContain('event_handlers.events.TokenCreated');
  });
});
