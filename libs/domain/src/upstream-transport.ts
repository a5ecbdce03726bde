import { createPrivateKey, X509Certificate } from 'node:crypto';
import { z } from 'zod';

/**
 * Tyk's `proxy.transport`: how the gateway's connections to an https upstream are made. Tyk's
 * fields keep Tyk's meaning (versions as Go's uint16 constants, ciphers by their IANA names);
 * `ssl_ca_certificates`, `ssl_client_certificate` and `ssl_client_key` are ours, PEM text in the
 * definition. Tyk's way, `upstream_certificates` naming certificates of the store (/tyk/certs), is
 * supported too; a pair written here wins over it.
 */

/** Go's tls.VersionTLS10..13 as Tyk stores them, and OpenSSL's names for them. 0 is Tyk's "unset". */
export const tlsVersionNames: ReadonlyMap<number, 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'> = new Map([
  [769, 'TLSv1'],
  [770, 'TLSv1.1'],
  [771, 'TLSv1.2'],
  [772, 'TLSv1.3'],
]);

/**
 * The cipher suites Go's crypto/tls offers (the names Tyk's `ssl_ciphers` takes), mapped to
 * OpenSSL's names for Node. TLS 1.3 suites are not configurable in Go, so Tyk has none to name.
 */
export const cipherSuiteNames: ReadonlyMap<string, string> = new Map([
  ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256'],
  ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256'],
  ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'ECDHE-ECDSA-AES256-GCM-SHA384'],
  ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'],
  ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-ECDSA-CHACHA20-POLY1305'],
  ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-RSA-CHACHA20-POLY1305'],
  ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305', 'ECDHE-ECDSA-CHACHA20-POLY1305'],
  ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305'],
  ['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', 'ECDHE-ECDSA-AES128-SHA256'],
  ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 'ECDHE-RSA-AES128-SHA256'],
  ['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'ECDHE-ECDSA-AES128-SHA'],
  ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'ECDHE-RSA-AES128-SHA'],
  ['TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'ECDHE-ECDSA-AES256-SHA'],
  ['TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'ECDHE-RSA-AES256-SHA'],
  ['TLS_RSA_WITH_AES_128_GCM_SHA256', 'AES128-GCM-SHA256'],
  ['TLS_RSA_WITH_AES_256_GCM_SHA384', 'AES256-GCM-SHA384'],
  ['TLS_RSA_WITH_AES_128_CBC_SHA256', 'AES128-SHA256'],
  ['TLS_RSA_WITH_AES_128_CBC_SHA', 'AES128-SHA'],
  ['TLS_RSA_WITH_AES_256_CBC_SHA', 'AES256-SHA'],
]);

const pemCertificate = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate of a PEM bundle parses, and the bundle holds nothing else. */
function isCertificateBundle(value: string): boolean {
  const blocks = value.match(pemCertificate);
  if (blocks === null || value.replace(pemCertificate, '').trim() !== '') return false;
  try {
    for (const block of blocks) new X509Certificate(block);
    return true;
  } catch {
    return false;
  }
}

function isPrivateKey(value: string): boolean {
  try {
    createPrivateKey(value);
    return true;
  } catch {
    return false;
  }
}

const tlsVersion = z
  .number()
  .int()
  .refine((value) => value === 0 || tlsVersionNames.has(value), 'must be 769 (TLS 1.0), 770 (TLS 1.1), 771 (TLS 1.2) or 772 (TLS 1.3), or 0 for the default');

/** Tyk's exports carry `null` for an empty list. */
const nullAsUnset = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === null ? undefined : value), schema);

export const upstreamTransportSchema = z
  .object({
    ssl_insecure_skip_verify: z.boolean().optional(),
    ssl_min_version: tlsVersion.optional(),
    ssl_max_version: tlsVersion.optional(),
    ssl_ciphers: nullAsUnset(
      z
        .array(z.string().refine((name) => cipherSuiteNames.has(name), 'must be a cipher suite Go names (e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)'))
        .max(64)
        .optional(),
    ),
    /** Ours: the CAs an https upstream's certificate must chain to, in place of the system's. */
    ssl_ca_certificates: z.string().max(262_144).refine(isCertificateBundle, 'must be one or more PEM certificates').optional(),
    /** Ours: the certificate and key the gateway presents to an upstream that asks (upstream mTLS). */
    ssl_client_certificate: z.string().max(65_536).refine(isCertificateBundle, 'must be a PEM certificate (chain)').optional(),
    ssl_client_key: z.string().max(65_536).refine(isPrivateKey, 'must be a PEM private key').optional(),
  })
  .passthrough()
  .superRefine((transport, ctx) => {
    const min = transport.ssl_min_version ?? 0;
    const max = transport.ssl_max_version ?? 0;
    if (min !== 0 && max !== 0 && min > max) ctx.addIssue({ code: 'custom', path: ['ssl_max_version'], message: 'must not be below ssl_min_version' });
    const cert = transport.ssl_client_certificate;
    const key = transport.ssl_client_key;
    if ((cert === undefined) !== (key === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [cert === undefined ? 'ssl_client_certificate' : 'ssl_client_key'],
        message: 'ssl_client_certificate and ssl_client_key go together',
      });
    } else if (cert !== undefined && key !== undefined && isCertificateBundle(cert) && isPrivateKey(key)) {
      if (!new X509Certificate(cert.match(pemCertificate)![0]!).checkPrivateKey(createPrivateKey(key)))
        ctx.addIssue({ code: 'custom', path: ['ssl_client_key'], message: 'is not the private key of ssl_client_certificate' });
    }
  });

export type UpstreamTransport = z.infer<typeof upstreamTransportSchema>;
