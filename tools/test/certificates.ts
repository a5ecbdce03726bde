import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Test certificates made with the machine's `openssl` (Node cannot issue X.509 certificates): a
 * throwaway CA and leaf certificates it signs, as PEM text and as files in a temporary directory.
 */
export interface TestCertificate {
  readonly cert: string;
  readonly key: string;
  readonly certFile: string;
  readonly keyFile: string;
}

export interface TestCa extends TestCertificate {
  /** A certificate for `names` (DNS names, or `IP:` entries), signed by this CA. */
  issue(names: readonly string[], options?: { clientAuth?: boolean; file?: string }): TestCertificate;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/** A new CA in its own temporary directory; `dispose` removes the directory. */
export function createTestCa(commonName = 'Portcullis Test CA'): TestCa & { readonly dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-certs-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', `/CN=${commonName}`], dir);
  let serial = 0;
  const ca = {
    dir,
    cert: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    key: readFileSync(join(dir, 'ca.key'), 'utf8'),
    certFile: join(dir, 'ca.pem'),
    keyFile: join(dir, 'ca.key'),
    issue(names: readonly string[], options: { clientAuth?: boolean; file?: string } = {}): TestCertificate {
      const base = options.file ?? `leaf-${++serial}`;
      const san = names.map((name) => (name.startsWith('IP:') ? name : `DNS:${name}`)).join(',');
      writeFileSync(join(dir, `${base}.ext`), `subjectAltName=${san}\nextendedKeyUsage=${options.clientAuth ? 'clientAuth' : 'serverAuth'}\n`);
      openssl(['req', ...ec, '-keyout', `${base}.key.tmp`, '-out', `${base}.csr`, '-subj', `/CN=${names[0]!.replace(/^IP:/, '')}`], dir);
      openssl(
        [
          'x509',
          '-req',
          '-in',
          `${base}.csr`,
          '-CA',
          'ca.pem',
          '-CAkey',
          'ca.key',
          '-set_serial',
          String(Date.now() * 1000 + serial),
          '-out',
          `${base}.pem.tmp`,
          '-days',
          '2',
          '-extfile',
          `${base}.ext`,
        ],
        dir,
      );
      // Written last and whole, so a watcher never sees a half-made pair.
      const cert = readFileSync(join(dir, `${base}.pem.tmp`), 'utf8');
      const key = readFileSync(join(dir, `${base}.key.tmp`), 'utf8');
      writeFileSync(join(dir, `${base}.key`), key);
      writeFileSync(join(dir, `${base}.pem`), cert);
      return { cert, key, certFile: join(dir, `${base}.pem`), keyFile: join(dir, `${base}.key`) };
    },
    dispose(): void {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return ca;
}
