import { GATEWAY_SILENT_AFTER_MS } from '@portcullis/contracts';

const upstream = {
  type: 'object',
  required: ['origin', 'healthy'],
  properties: { origin: { type: 'string', example: 'http://10.0.0.5:8080' }, healthy: { type: 'boolean' } },
};

/** GET /admin/gateways's answer, inline in the operation (the document's shared components stay untouched). */
export const fleetSchema = {
  type: 'object',
  required: ['gateways', 'targets'],
  properties: {
    gateways: {
      type: 'array',
      description: `The live gateways (heard from within the last ${GATEWAY_SILENT_AFTER_MS / 1000} s), by id`,
      items: {
        type: 'object',
        required: ['gateway_id', 'last_seen', 'upstreams'],
        properties: {
          gateway_id: { type: 'string' },
          last_seen: { type: 'string', format: 'date-time', description: "When this registry last heard the gateway's heartbeat" },
          upstreams: { type: 'array', items: upstream, description: "Its load-balanced targets' health as it sees them; empty when it balances none" },
        },
      },
    },
    targets: {
      type: 'array',
      description: 'Every load-balanced target a live gateway reports, by origin',
      items: {
        type: 'object',
        required: ['origin', 'healthy_on', 'unhealthy_on', 'gateways'],
        properties: {
          origin: { type: 'string' },
          healthy_on: { type: 'integer', minimum: 0, description: 'How many live gateways see it up' },
          unhealthy_on: { type: 'integer', minimum: 0, description: 'How many live gateways took it out' },
          gateways: {
            type: 'array',
            items: { type: 'object', required: ['gateway_id', 'healthy'], properties: { gateway_id: { type: 'string' }, healthy: { type: 'boolean' } } },
          },
        },
      },
    },
  },
  example: {
    gateways: [
      {
        gateway_id: 'gw-a-41-1f2e3d4c',
        last_seen: '2025-01-01T12:00:00.000Z',
        upstreams: [
          { origin: 'http://10.0.0.5:8080', healthy: true },
          { origin: 'http://10.0.0.6:8080', healthy: false },
        ],
      },
    ],
    targets: [
      { origin: 'http://10.0.0.5:8080', healthy_on: 1, unhealthy_on: 0, gateways: [{ gateway_id: 'gw-a-41-1f2e3d4c', healthy: true }] },
      { origin: 'http://10.0.0.6:8080', healthy_on: 0, unhealthy_on: 1, gateways: [{ gateway_id: 'gw-a-41-1f2e3d4c', healthy: false }] },
    ],
  },
};
