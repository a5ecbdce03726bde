import { X509Certificate } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestCa } from '../../../../tools/test/certificates.js';
import { certificateBasics, certificateMeta, pkixName } from './certificate-meta.js';

const ca = createTestCa();
const leaf = ca.issue(['shop.test']);
afterAll(() => ca.dispose());

describe('certificateMeta', () => {
  const stored = { id: `org${'0'.repeat(64)}`, org_id: 'org', cert_pem: leaf.cert, sealed_key: 'v1.sealed' };

  it("answers Tyk's CertificateMeta, says whether a key is held and whether it has expired, never the sealed key", () => {
    const x509 = new X509Certificate(leaf.cert);
    const meta = certificateMeta(stored);
    expect(meta).toMatchObject({
      id: stored.id,
      has_private: true,
      is_ca: false,
      dns_names: ['shop.test'],
      expired: false,
      subject: { CommonName: 'shop.test' },
      issuer: { CommonName: 'Portcullis Test CA' },
    });
    expect(meta.fingerprint).toBe(x509.fingerprint256.replaceAll(':', '').toLowerCase());
    expect(meta.not_after).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(JSON.stringify(meta)).not.toContain('v1.sealed');
    expect(certificateMeta(stored, Date.parse(x509.validTo) + 1000).expired).toBe(true);
    expect(certificateMeta({ ...stored, sealed_key: null }).has_private).toBe(false);
    expect(certificateMeta({ ...stored, cert_pem: ca.cert }).is_ca).toBe(true);
  });

  it("answers Tyk's CertificateBasics for mode=detailed", () => {
    expect(certificateBasics(stored)).toMatchObject({
      id: stored.id,
      subject_cn: 'shop.test',
      issuer_cn: 'Portcullis Test CA',
      has_private: true,
      dns_names: ['shop.test'],
    });
  });
});

describe('pkixName', () => {
  it("reads Node's distinguished name into Go's pkix.Name fields", () => {
    expect(pkixName('C=GB\nO=Acme\nO=Acme Two\nOU=Ops\nL=London\nST=England\nCN=acme.test\nserialNumber=42')).toEqual({
      CommonName: 'acme.test',
      Country: ['GB'],
      Organization: ['Acme', 'Acme Two'],
      OrganizationalUnit: ['Ops'],
      Locality: ['London'],
      Province: ['England'],
      StreetAddress: [],
      PostalCode: [],
      SerialNumber: '42',
    });
  });
});
