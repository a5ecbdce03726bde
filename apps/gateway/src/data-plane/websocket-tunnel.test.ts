import { describe, expect, it } from 'vitest';
import { isWebSocketUpgrade, websocketsEnabled } from './websocket-tunnel.js';

describe('websocket-tunnel', () => {
  it('takes only a GET with Upgrade: websocket (any case) as a WebSocket handshake', () => {
    expect(isWebSocketUpgrade('GET', ['Connection', 'Upgrade', 'Upgrade', 'WebSocket'])).toBe(true);
    expect(isWebSocketUpgrade('GET', ['upgrade', ' websocket '])).toBe(true);
    expect(isWebSocketUpgrade('POST', ['Upgrade', 'websocket'])).toBe(false);
    expect(isWebSocketUpgrade('GET', ['Upgrade', 'h2c'])).toBe(false);
    expect(isWebSocketUpgrade('GET', ['Connection', 'Upgrade'])).toBe(false);
  });

  it('enables WebSockets only for enable_websockets: true', () => {
    expect(websocketsEnabled({ enable_websockets: true })).toBe(true);
    expect(websocketsEnabled({ enable_websockets: 'true' })).toBe(false);
    expect(websocketsEnabled({})).toBe(false);
  });
});
