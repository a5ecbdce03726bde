import { describe, expect, it, vi } from 'vitest';
import type { ConfigChangedEvent } from '@portcullis/contracts';
import { Logger } from '@nestjs/common';
import { CertificateEventsController } from './certificate-events.controller.js';
import type { ConfigSyncService } from './config-sync.service.js';

/** Whether the controller applies `event`; a refused one is dropped with a warning naming the subject. */
function applies(event: unknown): boolean {
  const applied: ConfigChangedEvent[] = [];
  const warnings: string[] = [];
  const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
  try {
    new CertificateEventsController({ onEvent: (e: ConfigChangedEvent) => applied.push(e) } as unknown as ConfigSyncService).onCertificateChanged(event);
  } finally {
    warn.mockRestore();
  }
  if (applied.length === 0) expect(warnings.join('\n')).toContain('ignored a malformed registry.certificate.changed event');
  else expect(warnings).toEqual([]);
  return applied.length === 1;
}

describe('CertificateEventsController', () => {
  const certificate = { id: 'c1', org_id: '', cert_pem: '-----BEGIN CERTIFICATE-----', sealed_key: 'v1.a.b.c' };

  it('accepts what the registry publishes', () => {
    expect(applies({ revision: 4, cert_id: 'c1', change: 'created', certificate })).toBe(true);
    expect(applies({ revision: 4, cert_id: 'c1', change: 'created', certificate: { ...certificate, sealed_key: null } })).toBe(true);
    expect(applies({ revision: 5, cert_id: 'c1', change: 'deleted', certificate: null })).toBe(true);
  });

  it.each([
    ['no revision', { cert_id: 'c1', change: 'created', certificate }],
    ['an unknown change', { revision: 1, cert_id: 'c1', change: 'renamed', certificate }],
    ['a created event without its certificate', { revision: 1, cert_id: 'c1', change: 'created', certificate: null }],
    ['a certificate under another id', { revision: 1, cert_id: 'c2', change: 'created', certificate }],
    ['a certificate without its PEM', { revision: 1, cert_id: 'c1', change: 'created', certificate: { ...certificate, cert_pem: 3 } }],
    ['a key that is not a sealed string', { revision: 1, cert_id: 'c1', change: 'created', certificate: { ...certificate, sealed_key: { pem: 'x' } } }],
    ['null', null],
  ])('refuses %s', (_what, event) => {
    expect(applies(event)).toBe(false);
  });
});
