import { createHash, createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { SecretSeal } from './secret-seal.js';

/**
 * A certificate of the store (Tyk's `/tyk/certs`) as the registry keeps it and gateways receive it:
 * the PEM chain in clear, the private key only sealed (AES-256-GCM, associated data: the id).
 */
export interface StoredCertificate {
  /** Tyk's id: the org id followed by the leaf's SHA-256 (DER) in lower-case hex. */
  id: string;
  org_id: string;
  /** The leaf first, then any intermediates, as uploaded; or a public key (PUBLIC KEY), for pinning. */
  cert_pem: string;
  /** `certificateKeySeal(...).seal(key, id)`; null for a certificate stored without its key. */
  sealed_key: string | null;
}

/**
 * The associated data of an upload the gateway seals for the registry (`/tyk/certs` over NATS): such
 * a ciphertext opens as nothing else, and a stored key's ciphertext never opens as an upload.
 */
export const CERTIFICATE_UPLOAD_AAD = 'tyk-certs-upload';

/** The largest upload (a chain and its key) the store takes: real chains are a few KiB. */
export const CERTIFICATE_MAX_BYTES = 65_536;

/** A Tyk certificate id: anything (an org id) ending in a SHA-256 in hex. */
export const certificateIdPattern = /^[A-Za-z0-9._-]{0,64}[0-9a-fA-F]{64}$/;

const infoFromSecret = 'portcullis/certificate-keys/v1';
const infoFromAdminSecret = 'portcullis/certificate-keys/v1/from-admin-secret';

/**
 * The seal of certificates' private keys. The registry and every gateway must derive the same one:
 * from CERTIFICATE_ENCRYPTION_SECRET when set, else from ADMIN_SECRET (HKDF with another info
 * string, so the admin secret itself is never the AES key). Changing it leaves the stored keys
 * unopenable: those certificates must be uploaded again.
 */
export function certificateKeySeal(encryptionSecret: string | undefined, adminSecret: string): SecretSeal {
  return encryptionSecret === undefined ? new SecretSeal(adminSecret, infoFromAdminSecret) : new SecretSeal(encryptionSecret, infoFromSecret);
}

/** A PEM upload taken apart and checked: the chain, the leaf, and the key when one came with it. */
export interface ParsedCertificateUpload {
  readonly certPem: string;
  readonly leaf: X509Certificate;
  /** Lower-case hex SHA-256 of the leaf's DER: what clients' fingerprints and Tyk's ids use. */
  readonly fingerprint: string;
  readonly keyPem: string | null;
}

/** Tyk's other kind of upload: a public key alone (PEM PUBLIC KEY), named for pinned_public_keys. */
export interface ParsedPublicKeyUpload {
  readonly publicKeyPem: string;
  /** Lower-case hex SHA-256 of its DER SubjectPublicKeyInfo (Tyk's, and what pins compare). */
  readonly fingerprint: string;
}

/** Why an upload is refused; `field` is what the admin's error names. */
export class CertificateUploadError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const pemBlock = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g;
const keyLabels = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY']);

/**
 * Tyk's upload: PEM text holding one or more CERTIFICATE blocks (the first is the leaf) and at most
 * one private key, which must be the leaf's. Throws CertificateUploadError (never with key bytes).
 */
export function parseCertificateUpload(text: string): ParsedCertificateUpload {
  const parsed = parseUpload(text);
  if ('publicKeyPem' in parsed) throw new CertificateUploadError('body', 'is not a PEM certificate (no -----BEGIN CERTIFICATE----- block)');
  return parsed;
}

/** A certificate (see parseCertificateUpload), or a PUBLIC KEY block alone. */
export function parseUpload(text: string): ParsedCertificateUpload | ParsedPublicKeyUpload {
  const certificates: string[] = [];
  const keys: string[] = [];
  const publicKeys: string[] = [];
  for (const match of text.matchAll(pemBlock)) {
    if (match[1] === 'CERTIFICATE') certificates.push(match[0]);
    else if (keyLabels.has(match[1]!)) keys.push(match[0]);
    else if (match[1] === 'PUBLIC KEY') publicKeys.push(match[0]);
    else if (match[1] === 'ENCRYPTED PRIVATE KEY') throw new CertificateUploadError('body', 'an encrypted private key cannot be used: upload it decrypted');
  }
  if (certificates.length === 0 && keys.length === 0 && publicKeys.length === 1) {
    let spki: Buffer;
    try {
      spki = createPublicKey(publicKeys[0]!).export({ type: 'spki', format: 'der' });
    } catch {
      throw new CertificateUploadError('body', 'the public key does not parse');
    }
    return { publicKeyPem: publicKeys[0]! + '\n', fingerprint: createHash('sha256').update(spki).digest('hex') };
  }
  if (certificates.length === 0) throw new CertificateUploadError('body', 'is not a PEM certificate (no -----BEGIN CERTIFICATE----- block) nor a public key');
  if (keys.length > 1) throw new CertificateUploadError('body', 'holds more than one private key');
  const chain: X509Certificate[] = [];
  for (const [index, pem] of certificates.entries()) {
    try {
      chain.push(new X509Certificate(pem));
    } catch {
      throw new CertificateUploadError('body', `certificate ${index + 1} of the upload does not parse`);
    }
  }
  const leaf = chain[0]!;
  let keyPem: string | null = null;
  if (keys.length === 1) {
    let key: KeyObject;
    try {
      key = createPrivateKey(keys[0]!);
    } catch {
      throw new CertificateUploadError('body', 'the private key does not parse');
    }
    if (!leaf.checkPrivateKey(key)) throw new CertificateUploadError('body', "the private key is not the certificate's");
    keyPem = keys[0]!;
  }
  return { certPem: certificates.join('\n') + '\n', leaf, fingerprint: fingerprintOf(leaf), keyPem };
}

/** SHA-256 of a certificate's public key (DER SubjectPublicKeyInfo), lower-case hex: what a pin names. */
export function publicKeyFingerprintOf(certificate: X509Certificate): string {
  return createHash('sha256')
    .update(certificate.publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

export function fingerprintOf(certificate: X509Certificate): string {
  return createHash('sha256').update(certificate.raw).digest('hex');
}

/** Tyk's certificate id: the org id, then the SHA-256 (certs/manager.go). */
export function certificateId(orgId: string, fingerprint: string): string {
  return `${orgId}${fingerprint}`;
}

/** RFC 6125 §6.4.4: the DNS names in subjectAltName; the subject CN only when there are none. Lower case. */
export function certificateNames(x509: X509Certificate): string[] {
  const san = x509.subjectAltName;
  if (san !== undefined && san !== '') {
    const names = san
      .split(', ')
      .filter((entry) => entry.startsWith('DNS:'))
      .map((entry) => entry.slice(4).toLowerCase());
    if (names.length > 0) return names;
  }
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(x509.subject);
  return cn === null ? [] : [cn[1]!.toLowerCase()];
}
