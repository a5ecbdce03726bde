import type { CertificateBasics, CertificateMeta, PkixName } from '@portcullis/contracts';
import { certificateNames, fingerprintOf, type StoredCertificate } from '@portcullis/domain';
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';

/** Tyk's metadata of a stored certificate, read from its leaf: what any GET answers (never the key). */
export function certificateMeta(stored: StoredCertificate, now = Date.now()): CertificateMeta {
  if (isPublicKey(stored)) return publicKeyMeta(stored);
  const leaf = new X509Certificate(stored.cert_pem);
  const notAfter = new Date(leaf.validTo);
  return {
    id: stored.id,
    fingerprint: fingerprintOf(leaf),
    has_private: stored.sealed_key !== null,
    is_ca: leaf.ca,
    dns_names: certificateNames(leaf),
    issuer: pkixName(leaf.issuer),
    subject: pkixName(leaf.subject),
    not_before: rfc3339(new Date(leaf.validFrom)),
    not_after: rfc3339(notAfter),
    expired: notAfter.getTime() < now,
  };
}

export function certificateBasics(stored: StoredCertificate): CertificateBasics {
  const meta = certificateMeta(stored);
  return {
    id: meta.id,
    issuer_cn: meta.issuer.CommonName,
    subject_cn: meta.subject.CommonName,
    dns_names: meta.dns_names,
    has_private: meta.has_private,
    is_ca: meta.is_ca,
    not_before: meta.not_before,
    not_after: meta.not_after,
  };
}

/** A public key (for pinned_public_keys) has no names, dates or issuer: Go's zero values, as Tyk answers. */
function publicKeyMeta(stored: StoredCertificate): CertificateMeta {
  const zeroTime = '0001-01-01T00:00:00Z';
  return {
    id: stored.id,
    fingerprint: createHash('sha256')
      .update(createPublicKey(stored.cert_pem).export({ type: 'spki', format: 'der' }))
      .digest('hex'),
    has_private: false,
    is_ca: false,
    dns_names: [],
    issuer: pkixName(''),
    subject: pkixName(''),
    not_before: zeroTime,
    not_after: zeroTime,
    expired: false,
  };
}

export function isPublicKey(stored: StoredCertificate): boolean {
  return stored.cert_pem.startsWith('-----BEGIN PUBLIC KEY-----');
}

/** Go's time.Time in JSON, as Tyk answers: seconds precision, UTC. */
function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const listAttributes = {
  C: 'Country',
  O: 'Organization',
  OU: 'OrganizationalUnit',
  L: 'Locality',
  ST: 'Province',
  street: 'StreetAddress',
  postalCode: 'PostalCode',
} as const;

/** Node's one-attribute-per-line distinguished name as Go's pkix.Name fields. */
export function pkixName(distinguishedName: string): PkixName {
  const name: PkixName = {
    CommonName: '',
    Country: [],
    Organization: [],
    OrganizationalUnit: [],
    Locality: [],
    Province: [],
    StreetAddress: [],
    PostalCode: [],
    SerialNumber: '',
  };
  for (const line of distinguishedName.split('\n')) {
    const equals = line.indexOf('=');
    if (equals <= 0) continue;
    const key = line.slice(0, equals);
    const value = line.slice(equals + 1);
    if (key === 'CN') name.CommonName = value;
    else if (key === 'serialNumber') name.SerialNumber = value;
    else if (key in listAttributes) name[listAttributes[key as keyof typeof listAttributes]].push(value);
  }
  return name;
}
