import { execFileSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { commandExists } from './processes.mjs';
import { TargetUnavailable } from './target.mjs';

/**
 * A self-signed P-256 certificate for 127.0.0.1, made at bench start with the machine's `openssl`
 * (Node cannot issue X.509 certificates), shared by the TLS targets so they do the same handshake
 * and the same record encryption. `cert` is the PEM text: the probe trusts it (see checks.mjs `ca`).
 */
export async function benchCertificate(tmpDir) {
  if (!commandExists('openssl')) throw new TargetUnavailable('openssl is not installed (needed to make the TLS certificate)');
  const dir = join(tmpDir, 'tls');
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  await mkdir(dir, { recursive: true });
  try {
    await readFile(certFile, 'utf8');
  } catch {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'pipe' },
    );
  }
  return { certFile, keyFile, cert: await readFile(certFile, 'utf8') };
}
