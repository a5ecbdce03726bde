import { Logger } from '@nestjs/common';
import type { GatewayHeartbeat } from '@portcullis/contracts';
import { describe, expect, it, vi } from 'vitest';
import type { EnforcementService } from './enforcement.service.js';
import { HeartbeatController } from './heartbeat.controller.js';

describe('HeartbeatController', () => {
  it('counts well-formed heartbeats and drops malformed ones, warning once', () => {
    const heard: GatewayHeartbeat[] = [];
    const warnings: string[] = [];
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    try {
      const controller = new HeartbeatController({ onHeartbeat: (h: GatewayHeartbeat) => heard.push(h) } as unknown as EnforcementService);
      controller.onHeartbeat({ gateway_id: 'g1', at: 1000 });
      controller.onHeartbeat({ gateway_id: '', at: 1000 });
      controller.onHeartbeat({ gateway_id: 'g2', at: 'now' });
      controller.onHeartbeat(null);
    } finally {
      warn.mockRestore();
    }
    expect(heard).toEqual([{ gateway_id: 'g1', at: 1000 }]);
    expect(warnings).toEqual(['ignored a malformed gateway.heartbeat event (gateway_id)']);
  });
});
