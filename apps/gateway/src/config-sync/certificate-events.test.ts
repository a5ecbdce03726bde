import { describe, expect, it } from 'vitest';
import { isCertificateChangedEvent } from './certificate-events.controller.js';

describe('isCertificateChangedEvent', () => {
  const certificate = { id: 'c1', org_id: '', cert_pem: '-----BEGIN CERTIFICATE-----', sealed_key: 'v1.a.b.c' };

  it('accepts what the registry publishes', () => {
    expect(isCertificateChangedEvent({ revision: 4, cert_id: 'c1', change: 'created', certificate })).toBe(true);
    expect(isCertificateChangedEvent({ revision: 4, cert_id: 'c1', change: 'created', certificate: { ...certificate, sealed_key: null } })).toBe(true);
    expect(isCertificateChangedEvent({ revision: 5, cert_id: 'c1', change: 'deleted', certificate: null })).toBe(true);
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
    expect(isCertificateChangedEvent(event)).toBe(false);
  });
});
