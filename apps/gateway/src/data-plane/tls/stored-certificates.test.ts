import { certificateKeySeal, type StoredCertificate } from '@portcullis/domain';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestCa, type TestCertificate } from '../../../../../tools/test/certificates.js';
import { openStoredCertificate, ServedCertificates, type GatewayCertificate } from './stored-certificates.js';

const ca = createTestCa();
const seal = certificateKeySeal(undefined, 'an-admin-secret-of-enough-length');
afterAll(() => ca.dispose());

function stored(id: string, pair: TestCertificate, withKey = true): StoredCertificate {
  return { id, org_id: '', cert_pem: pair.cert, sealed_key: withKey ? seal.seal(Buffer.from(pair.key), id) : null };
}

describe('openStoredCertificate', () => {
  const pair = ca.issue(['shop.test']);

  it('opens the sealed key and builds the TLS context', () => {
    const opened = openStoredCertificate(stored('a', pair), seal, { warn: () => undefined })!;
    expect(opened.names).toEqual(['shop.test']);
    expect(opened.pair).toEqual({ cert: pair.cert, key: pair.key });
    expect(opened.context).not.toBeNull();
  });

  it('keeps a certificate whose key does not open keyless, warning by id and never with key bytes', () => {
    const warnings: string[] = [];
    const wrongSeal = certificateKeySeal('a-different-encryption-secret-entirely', 'x'.repeat(16));
    const opened = openStoredCertificate(stored('a', pair), wrongSeal, { warn: (message) => warnings.push(message) })!;
    expect(opened.pair).toBeNull();
    expect(opened.context).toBeNull();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^certificate a: its private key cannot be opened/);
    // A sealed key moved to another id does not open either (associated data).
    const moved = { ...stored('a', pair), id: 'b' };
    expect(openStoredCertificate(moved, seal, { warn: () => undefined })!.pair).toBeNull();
  });
});

describe('ServedCertificates', () => {
  const log = { warn: () => undefined };
  const shop = openStoredCertificate(stored('shop', ca.issue(['shop.test'])), seal, log)!;
  const wildcard = openStoredCertificate(stored('wild', ca.issue(['*.apps.test'])), seal, log)!;
  const keyless = openStoredCertificate(stored('keyless', ca.issue(['keyless.test']), false), seal, log)!;
  const table = new Map<string, GatewayCertificate>([shop, wildcard, keyless].map((certificate) => [certificate.id, certificate]));

  it("binds an API's certificates to its domain (the port ignored); without a domain, to the names they cover", () => {
    const served = new ServedCertificates(
      [
        { domain: 'store.example:8443', certificateIds: ['shop'] },
        { domain: '', certificateIds: ['wild'] },
      ],
      table,
    );
    expect(served.contextFor('STORE.example')).toBe(shop.context);
    expect(served.contextFor('orders.apps.test')).toBe(wildcard.context);
    expect(served.contextFor('a.b.apps.test')).toBeUndefined();
    // shop is bound to store.example only: its own name is not served from an API with a domain.
    expect(served.contextFor('shop.test')).toBeUndefined();
  });

  it('skips ids not in the store and keyless certificates', () => {
    const served = new ServedCertificates([{ domain: 'keyless.test', certificateIds: ['keyless', 'missing'] }], table);
    expect(served.contextFor('keyless.test')).toBeUndefined();
    expect(served.size).toBe(0);
  });

  it('of several certificates bound to one name, serves the one valid longest (a renewal bound beside the old one)', () => {
    const older = { ...shop, id: 'older', notAfter: shop.notAfter - 86_400_000, context: wildcard.context };
    const withOlder = new Map(table).set('older', older);
    expect(new ServedCertificates([{ domain: 'shop.test', certificateIds: ['older', 'shop'] }], withOlder).contextFor('shop.test')).toBe(shop.context);
    expect(new ServedCertificates([{ domain: 'shop.test', certificateIds: ['shop', 'older'] }], withOlder).contextFor('shop.test')).toBe(shop.context);
  });
});
