import { X509Certificate } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestCa } from '../../../tools/test/certificates.js';
import { certificateId, certificateKeySeal, parseCertificateUpload, parseUpload, publicKeyFingerprintOf } from './certificates.js';

const ca = createTestCa();
const leaf = ca.issue(['shop.test', 'www.shop.test']);
const other = ca.issue(['other.test']);
afterAll(() => ca.dispose());

describe('parseCertificateUpload', () => {
  it('takes a chain and its key in any order; the leaf (first certificate) names the upload', () => {
    const parsed = parseCertificateUpload(`${leaf.key}\n${leaf.cert}${ca.cert}`);
    expect(parsed.leaf.subject).toBe('CN=shop.test');
    expect(parsed.fingerprint).toBe(new X509Certificate(leaf.cert).fingerprint256.replaceAll(':', '').toLowerCase());
    expect(parsed.keyPem).toBe(leaf.key.trim());
    // The chain is kept (served whole), the key is not part of it.
    expect(parsed.certPem).toContain(ca.cert.trim());
    expect(parsed.certPem).not.toContain('PRIVATE KEY');
  });

  it('takes a certificate without a key', () => {
    expect(parseCertificateUpload(leaf.cert).keyPem).toBeNull();
  });

  it("refuses, naming the problem and never the key: no certificate, one that does not parse, a key that does not parse or is not the leaf's, two keys", () => {
    expect(() => parseCertificateUpload('hello')).toThrow('is not a PEM certificate');
    expect(() => parseCertificateUpload(leaf.key)).toThrow('is not a PEM certificate');
    expect(() => parseCertificateUpload('-----BEGIN CERTIFICATE-----\nbm90\n-----END CERTIFICATE-----\n')).toThrow(
      'certificate 1 of the upload does not parse',
    );
    expect(() => parseCertificateUpload(`${leaf.cert}-----BEGIN PRIVATE KEY-----\nbm90\n-----END PRIVATE KEY-----\n`)).toThrow(
      'the private key does not parse',
    );
    expect(() => parseCertificateUpload(leaf.cert + other.key)).toThrow("the private key is not the certificate's");
    expect(() => parseCertificateUpload(leaf.cert + leaf.key + other.key)).toThrow('more than one private key');
    expect(() => parseCertificateUpload(`${leaf.cert}-----BEGIN ENCRYPTED PRIVATE KEY-----\nbm90\n-----END ENCRYPTED PRIVATE KEY-----\n`)).toThrow(
      'encrypted private key',
    );
    try {
      parseCertificateUpload(leaf.cert + other.key);
    } catch (error) {
      expect((error as Error).message).not.toContain(other.key.split('\n')[1]!);
    }
  });
});

describe("certificateId (Tyk's)", () => {
  it('is the org id followed by the SHA-256', () => {
    expect(certificateId('5e9d9544a1dcd60001d0ed20', 'ab'.repeat(32))).toBe(`5e9d9544a1dcd60001d0ed20${'ab'.repeat(32)}`);
    expect(certificateId('', 'ab'.repeat(32))).toBe('ab'.repeat(32));
  });
});

describe('certificateKeySeal', () => {
  const admin = 'an-admin-secret-of-enough-length';
  const secret = 'a-certificate-encryption-secret-of-enough-length';

  it('seals with AES-256-GCM: opens with the same secret and id only', () => {
    const sealed = certificateKeySeal(secret, admin).seal(Buffer.from(leaf.key), 'id-1');
    expect(sealed).not.toContain(leaf.key.split('\n')[1]!);
    expect(certificateKeySeal(secret, 'another-admin-secret-entirely').open(sealed, 'id-1').toString()).toBe(leaf.key);
    expect(() => certificateKeySeal(secret, admin).open(sealed, 'id-2')).toThrow();
    expect(() => certificateKeySeal('another-certificate-encryption-secret!!', admin).open(sealed, 'id-1')).toThrow();
  });

  it('derives from the admin secret when none is set, and never as the admin secret itself would (another HKDF info)', () => {
    const fromAdmin = certificateKeySeal(undefined, admin).seal(Buffer.from('k'), 'id');
    expect(certificateKeySeal(undefined, admin).open(fromAdmin, 'id').toString()).toBe('k');
    expect(() => certificateKeySeal(admin, 'whatever-admin-secret').open(fromAdmin, 'id')).toThrow();
    expect(() => certificateKeySeal(undefined, 'a-rotated-admin-secret-value').open(fromAdmin, 'id')).toThrow();
  });
});

describe('parseUpload of a public key alone (for pinned_public_keys)', () => {
  it("names it by the SHA-256 of its DER SubjectPublicKeyInfo, the same as a certificate's public key", () => {
    const publicKey = new X509Certificate(leaf.cert).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const parsed = parseUpload(publicKey);
    expect(parsed).toEqual({ publicKeyPem: expect.stringContaining('BEGIN PUBLIC KEY'), fingerprint: publicKeyFingerprintOf(new X509Certificate(leaf.cert)) });
    expect(() => parseUpload('-----BEGIN PUBLIC KEY-----\nbm90\n-----END PUBLIC KEY-----\n')).toThrow('the public key does not parse');
    expect(() => parseCertificateUpload(publicKey)).toThrow('is not a PEM certificate');
  });
});
