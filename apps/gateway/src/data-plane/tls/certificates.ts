import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContext } from 'node:tls';
import { certificateNames } from '@portcullis/domain';

/** One certificate chain and its private key, as PEM files on the gateway's disk. */
export interface CertificateFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/** A pair read, checked and made into the context a TLS handshake uses. */
export interface LoadedCertificate {
  readonly files: CertificateFiles;
  /** The host names it serves (subjectAltName DNS names, else the subject CN), lower case. */
  readonly names: readonly string[];
  readonly context: SecureContext;
  readonly pem: { readonly cert: string; readonly key: string };
}

/**
 * Reads and checks one pair: the certificate parses, the key parses and belongs to it. Throws an
 * Error whose message names the file and the problem (never the key's bytes).
 */
export function loadCertificate(files: CertificateFiles): LoadedCertificate {
  const cert = readPem(files.certFile);
  const key = readPem(files.keyFile);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new Error(`${files.certFile} is not a PEM certificate`);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new Error(`${files.keyFile} is not a PEM private key`);
  }
  if (!x509.checkPrivateKey(privateKey)) throw new Error(`${files.keyFile} is not the private key of ${files.certFile}`);
  return { files, names: certificateNames(x509), context: createSecureContext({ cert, key }), pem: { cert, key } };
}

function readPem(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  }
}

/**
 * The certificates a listener serves, by host name: an exact name first, then a wildcard covering
 * one label (`*.example.com` for `api.example.com`, RFC 6125 §6.4.3), else the first certificate
 * (the default, also for clients that send no SNI). Built at load; a handshake costs a Map lookup.
 */
export class CertificateSet {
  private readonly exact = new Map<string, SecureContext>();
  private readonly wildcard = new Map<string, SecureContext>();
  readonly fallback: LoadedCertificate;

  constructor(readonly certificates: readonly LoadedCertificate[]) {
    if (certificates.length === 0) throw new Error('a certificate set needs at least one certificate');
    this.fallback = certificates[0]!;
    for (const certificate of certificates) {
      for (const name of certificate.names) {
        // The first certificate listed for a name wins, as nginx's first matching server does.
        if (name.startsWith('*.')) {
          if (!this.wildcard.has(name.slice(2))) this.wildcard.set(name.slice(2), certificate.context);
        } else if (!this.exact.has(name)) {
          this.exact.set(name, certificate.context);
        }
      }
    }
  }

  contextFor(servername: string | undefined): SecureContext {
    if (servername === undefined || servername === '') return this.fallback.context;
    const name = servername.toLowerCase();
    const exact = this.exact.get(name);
    if (exact !== undefined) return exact;
    const dot = name.indexOf('.');
    return (dot === -1 ? undefined : this.wildcard.get(name.slice(dot + 1))) ?? this.fallback.context;
  }
}

/** `cert.pem:key.pem,other.pem:other-key.pem` → the pairs, in order; null and a reason when malformed. */
export function parseCertificateList(value: string): { files: CertificateFiles[] } | { problem: string } {
  const files: CertificateFiles[] = [];
  for (const entry of value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')) {
    const colon = entry.lastIndexOf(':');
    if (colon <= 0 || colon === entry.length - 1) return { problem: `"${entry}" is not certFile:keyFile` };
    files.push({ certFile: entry.slice(0, colon), keyFile: entry.slice(colon + 1) });
  }
  return { files };
}
