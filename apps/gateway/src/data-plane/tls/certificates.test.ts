import { certificateKeySeal } from '@portcullis/domain';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { connect } from 'node:tls';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestCa } from '../../../../../tools/test/certificates.js';
import { CertificateSet, loadCertificate, parseCertificateList } from './certificates.js';
import { TlsTermination } from './tls-termination.js';
import { openStoredCertificate, ServedCertificates } from './stored-certificates.js';

const ca = createTestCa();
const main = ca.issue(['gateway.test']);
const wildcard = ca.issue(['*.apps.test', 'apps.test']);
const orders = ca.issue(['orders.apps.test']);
afterAll(() => ca.dispose());

describe('loadCertificate', () => {
  it('reads a pair and the names it serves (subjectAltName DNS names, lower case)', () => {
    expect(loadCertificate(wildcard).names).toEqual(['*.apps.test', 'apps.test']);
  });

  it('refuses, naming the file, a certificate that does not parse, a key that does not parse, a key of another certificate', () => {
    const garbage = join(ca.dir, 'garbage.pem');
    writeFileSync(garbage, '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n');
    expect(() => loadCertificate({ certFile: garbage, keyFile: main.keyFile })).toThrow(`${garbage} is not a PEM certificate`);
    expect(() => loadCertificate({ certFile: main.certFile, keyFile: garbage })).toThrow(`${garbage} is not a PEM private key`);
    expect(() => loadCertificate({ certFile: main.certFile, keyFile: orders.keyFile })).toThrow(`${orders.keyFile} is not the private key of ${main.certFile}`);
    expect(() => loadCertificate({ certFile: join(ca.dir, 'missing.pem'), keyFile: main.keyFile })).toThrow(/missing\.pem cannot be read \(ENOENT\)/);
  });
});

describe('CertificateSet', () => {
  const set = new CertificateSet([main, wildcard, orders].map(loadCertificate));
  const contextOf = (index: number) => set.certificates[index]!.context;

  it('picks the exact name first, then a one-label wildcard, else the first certificate', () => {
    expect(set.contextFor('orders.apps.test')).toBe(contextOf(2));
    expect(set.contextFor('ORDERS.apps.test')).toBe(contextOf(2));
    expect(set.contextFor('billing.apps.test')).toBe(contextOf(1));
    expect(set.contextFor('apps.test')).toBe(contextOf(1));
    // A wildcard covers one label only (RFC 6125 §6.4.3).
    expect(set.contextFor('a.b.apps.test')).toBe(contextOf(0));
    expect(set.contextFor('unknown.test')).toBe(contextOf(0));
    expect(set.contextFor(undefined)).toBe(contextOf(0));
  });
});

describe('parseCertificateList', () => {
  it('reads cert:key pairs in order and names a malformed entry', () => {
    expect(parseCertificateList(' /a.pem:/a.key, /b.pem:/b.key ')).toEqual({
      files: [
        { certFile: '/a.pem', keyFile: '/a.key' },
        { certFile: '/b.pem', keyFile: '/b.key' },
      ],
    });
    expect(parseCertificateList('/a.pem')).toEqual({ problem: '"/a.pem" is not certFile:keyFile' });
  });
});

describe('TlsTermination.reload', () => {
  it('swaps in a changed pair, and keeps serving the previous ones when the change does not load', () => {
    const pair = ca.issue(['reload.test'], { file: 'reloaded' });
    const warnings: string[] = [];
    const tls = new TlsTermination([pair], 60_000, { log: () => undefined, warn: (message) => warnings.push(message) });
    const first = tls.certificates;
    ca.issue(['reload.test', 'renewed.test'], { file: 'reloaded' });
    expect(tls.reload()).toBe(true);
    expect(tls.certificates).not.toBe(first);
    expect(tls.certificates?.fallback.names).toEqual(['reload.test', 'renewed.test']);
    const good = tls.certificates;
    writeFileSync(pair.certFile, 'half written');
    expect(tls.reload()).toBe(false);
    expect(tls.certificates).toBe(good);
    expect(warnings).toEqual([`TLS certificates not reloaded, still serving the previous ones: ${pair.certFile} is not a PEM certificate`]);
  });
});

describe('TlsTermination without certificate files', () => {
  it("serves the store's certificates by SNI, and fails a handshake for a name it has none for", async () => {
    const seal = certificateKeySeal(undefined, 'an-admin-secret-of-enough-length');
    const pair = ca.issue(['stored.test']);
    const stored = openStoredCertificate({ id: 's', org_id: '', cert_pem: pair.cert, sealed_key: seal.seal(Buffer.from(pair.key), 's') }, seal, {
      warn: () => undefined,
    })!;
    const served = new ServedCertificates([{ domain: 'stored.test', certificateIds: ['s'] }], new Map([['s', stored]]));
    const tls = new TlsTermination([], 60_000, { log: () => undefined, warn: () => undefined }, () => served);
    expect(tls.certificates).toBeNull();
    const server = createServer(tls.serverOptions(), (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const handshake = (servername: string) =>
      new Promise<string | undefined>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port, servername, ca: ca.cert }, () => {
          resolve(socket.getPeerCertificate().subjectaltname);
          socket.end();
        });
        socket.on('error', () => resolve('failed'));
      });
    try {
      expect(await handshake('stored.test')).toBe('DNS:stored.test');
      expect(await handshake('other.test')).toBe('failed');
      expect(tls.reload()).toBe(true);
    } finally {
      server.close();
    }
  });
});
