import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import pg from 'pg';
import { randomBytes, X509Certificate } from 'node:crypto';
import { createServer as createHttpsServer, request as httpsRequest, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCa, type TestCertificate } from '../tools/test/certificates.js';
import { describeWithServices, testServices } from '../tools/test/with-services.js';
import { freePort, runSubjectPrefix, startUpstream, waitFor, type Upstream } from './support/processes.js';
import { startStack, type Stack } from './support/stack.js';
import { tykSwaggerChecker } from './support/tyk-swagger.js';

/**
 * Tyk's certificate store (`/tyk/certs`) end to end: registry, auth service and a gateway as
 * processes on the machine's NATS and PostgreSQL. A certificate uploaded with its key is served by
 * the HTTPS listener for the API that binds it (domain + `certificates`), replaced and removed
 * without a restart; a stored certificate is presented to an upstream that requires one
 * (`upstream_certificates`); the key never comes back, never shows in a log, never crosses NATS in
 * clear; bad uploads are refused with nothing stored. Every answer is checked against Tyk's swagger.yml.
 */
describeWithServices('certificate store: /tyk/certs, TLS by SNI, upstream client certificates', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const tyk = { 'x-tyk-authorization': adminSecret };
  const expectTykShape = tykSwaggerChecker();
  const ca = createTestCa();
  let stack: Stack;
  let tlsPort: number;
  let fileCert: TestCertificate;
  let shopCert: TestCertificate;
  let renewedShopCert: TestCertificate;
  let clientCert: TestCertificate;
  let upstream: Upstream;
  let secureUpstream: HttpsServer;
  let secureUrl: string;
  let nats: NatsConnection;
  let wiretap: Subscription;
  /** Every payload that crossed NATS under this run's prefix while the test ran. */
  const busTraffic: string[] = [];
  /** Lines of every private key uploaded: none may come back or show anywhere. */
  const keyLines: string[] = [];

  const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256.replaceAll(':', '').toLowerCase();
  const remember = (certificate: TestCertificate) => {
    keyLines.push(...certificate.key.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----')));
    return certificate;
  };

  async function certs(method: string, path: string, template: string, body?: string, documentedAs?: number) {
    const response = await fetch(`${stack.gateway.url}${path}`, { method, headers: { ...tyk, 'content-type': 'text/plain' }, body });
    const text = await response.text();
    for (const line of keyLines) expect(text, `${method} ${path} answers no key material`).not.toContain(line);
    const json = JSON.parse(text) as any;
    expectTykShape(template, method, response.status, json, documentedAs);
    return { status: response.status, body: json };
  }

  async function tykJson(method: string, path: string, body: unknown) {
    const response = await fetch(`${stack.gateway.url}${path}`, {
      method,
      headers: { ...tyk, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  /** The certificate the HTTPS listener serves for `servername` (its SHA-256; any name, this reports), or the handshake's error. */
  function servedFor(servername: string): Promise<string> {
    return new Promise((resolve) => {
      const socket: TLSSocket = tlsConnect({ host: '127.0.0.1', port: tlsPort, servername, ca: ca.cert, checkServerIdentity: () => undefined }, () => {
        const peer = socket.getPeerCertificate();
        socket.end();
        resolve(peer.fingerprint256.replaceAll(':', '').toLowerCase());
      });
      socket.on('error', (error) => resolve(`error: ${error.message}`));
    });
  }

  const api = (apiId: string, fields: Record<string, unknown>) => ({
    api_id: apiId,
    name: apiId,
    org_id: 'e2e',
    use_keyless: true,
    proxy: { listen_path: `/${apiId}/`, target_url: upstream.url, strip_listen_path: true },
    version_data: { not_versioned: true, versions: { Default: { name: 'Default' } } },
    ...fields,
  });

  beforeAll(async () => {
    nats = await connect({ servers: testServices.natsUrl, name: 'e2e-certificates-wiretap' });
    wiretap = nats.subscribe(`${runSubjectPrefix}>`);
    void (async () => {
      for await (const message of wiretap) busTraffic.push(message.string());
    })();
    upstream = await startUpstream();
    fileCert = ca.issue(['files.test'], { file: 'files' });
    shopCert = remember(ca.issue(['shop.test'], { file: 'shop' }));
    renewedShopCert = remember(ca.issue(['shop.test'], { file: 'shop-renewed' }));
    clientCert = remember(ca.issue(['portcullis-gateway'], { clientAuth: true, file: 'client' }));
    const upstreamCert = ca.issue(['IP:127.0.0.1'], { file: 'upstream' });
    secureUpstream = createHttpsServer(
      { cert: upstreamCert.cert, key: upstreamCert.key, ca: ca.cert, requestCert: true, rejectUnauthorized: true },
      (req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ client: (req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? null }));
      },
    );
    await new Promise<void>((resolve) => secureUpstream.listen(0, '127.0.0.1', resolve));
    secureUrl = `https://127.0.0.1:${(secureUpstream.address() as AddressInfo).port}`;
    tlsPort = await freePort();
    stack = await startStack('portcullis_e2e_certs', adminSecret, {
      GATEWAY_TLS_PORT: String(tlsPort),
      GATEWAY_TLS_CERTIFICATES: `${fileCert.certFile}:${fileCert.keyFile}`,
      GATEWAY_TLS_REQUEST_CLIENT_CERT: 'true',
      LOG_LEVEL: 'debug',
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await upstream?.close();
    secureUpstream?.closeAllConnections();
    await new Promise((resolve) => (secureUpstream ? secureUpstream.close(resolve) : resolve(undefined)));
    await nats?.drain();
    ca.dispose();
  });

  let shopId: string;

  it("adds a certificate with its key (Tyk's id: org id + SHA-256), lists it, answers its metadata and never its key", async () => {
    const added = await certs('POST', '/tyk/certs?org_id=e2e', '/tyk/certs', shopCert.cert + shopCert.key);
    shopId = `e2e${fingerprint(shopCert.cert)}`;
    expect(added).toEqual({ status: 200, body: { id: shopId, message: 'Certificate added', status: 'ok' } });

    expect((await certs('GET', '/tyk/certs', '/tyk/certs')).body).toEqual({ certs: [shopId] });
    const detailed = await certs('GET', '/tyk/certs?mode=detailed', '/tyk/certs');
    expect(detailed.body.certs).toEqual([
      expect.objectContaining({
        id: shopId,
        dns_names: ['shop.test'],
        has_private: true,
        is_ca: false,
        subject_cn: 'shop.test',
        issuer_cn: 'Portcullis Test CA',
      }),
    ]);

    const meta = await certs('GET', `/tyk/certs/${shopId}`, '/tyk/certs/{certID}');
    expect(meta.body).toMatchObject({
      id: shopId,
      fingerprint: fingerprint(shopCert.cert),
      has_private: true,
      dns_names: ['shop.test'],
      expired: false,
      subject: { CommonName: 'shop.test' },
      issuer: { CommonName: 'Portcullis Test CA' },
    });
    // Exactly Tyk's fields (and `expired`): nothing about the key but whether there is one.
    expect(Object.keys(meta.body).sort()).toEqual([
      'dns_names',
      'expired',
      'fingerprint',
      'has_private',
      'id',
      'is_ca',
      'issuer',
      'not_after',
      'not_before',
      'subject',
    ]);
    expect(Object.keys(detailed.body.certs[0]).sort()).toEqual([
      'dns_names',
      'has_private',
      'id',
      'is_ca',
      'issuer_cn',
      'not_after',
      'not_before',
      'subject_cn',
    ]);
    expect(Date.parse(meta.body.not_after)).toBe(Date.parse(new X509Certificate(shopCert.cert).validTo));
  });

  it('refuses bad uploads with a 4xx naming the problem, and stores nothing', async () => {
    const bad: [string, string, number, RegExp][] = [
      ['not PEM', 'hello', 400, /not a PEM certificate/],
      ['a certificate that does not parse', '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n', 400, /does not parse/],
      ["another certificate's key", renewedShopCert.cert + shopCert.key, 400, /not the certificate's/],
      [
        'a key that does not parse',
        renewedShopCert.cert + '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n',
        400,
        /private key does not parse/,
      ],
      ['an empty body', '', 400, /Malformed request body/],
    ];
    for (const [what, body, status, message] of bad) {
      const refused = await certs('POST', '/tyk/certs?org_id=e2e', '/tyk/certs', body, 405);
      expect(refused.status, what).toBe(status);
      expect(refused.body.status, what).toBe('error');
      expect(refused.body.message, what).toMatch(message);
    }
    const tooLarge = await certs('POST', '/tyk/certs', '/tyk/certs', renewedShopCert.cert + '#'.repeat(70_000), 405);
    expect(tooLarge.status).toBe(413);
    // The same certificate again: 409 (Tyk documents 403 "Certificate with ID already exists").
    const duplicate = await certs('POST', '/tyk/certs?org_id=e2e', '/tyk/certs', shopCert.cert + shopCert.key, 403);
    expect(duplicate).toMatchObject({ status: 409, body: { status: 'error', message: `Certificate with ID ${shopId} already exists.` } });
    expect((await certs('GET', '/tyk/certs', '/tyk/certs')).body).toEqual({ certs: [shopId] });

    expect((await certs('GET', `/tyk/certs/e2e${'0'.repeat(64)}`, '/tyk/certs/{certID}')).status).toBe(404);
    expect((await certs('DELETE', `/tyk/certs/e2e${'0'.repeat(64)}`, '/tyk/certs/{certID}', undefined, 403)).status).toBe(404);
    const anonymous = await fetch(`${stack.gateway.url}/tyk/certs`, { method: 'POST', body: clientCert.cert + clientCert.key });
    expect(anonymous.status).toBe(401);
    expect((await certs('GET', '/tyk/certs', '/tyk/certs')).body).toEqual({ certs: [shopId] });
  });

  it("serves the stored certificate for the API's domain by SNI, replaces and removes it without a restart; file certificates keep serving", async () => {
    // Not bound to any API yet: the file certificate (the default) answers for shop.test.
    expect(await servedFor('shop.test')).toBe(fingerprint(fileCert.cert));
    expect((await tykJson('POST', '/tyk/apis', api('shop', { domain: 'shop.test', certificates: [shopId] }))).status).toBe(200);
    await waitFor(async () => (await servedFor('shop.test')) === fingerprint(shopCert.cert), {
      timeoutMs: 10_000,
      message: 'the stored certificate to be served for shop.test',
    });
    expect(await servedFor('files.test')).toBe(fingerprint(fileCert.cert));

    // A renewal: uploaded, bound beside the old one (the one valid longest wins), then the old one deleted.
    const renewed = await certs('POST', '/tyk/certs?org_id=e2e', '/tyk/certs', renewedShopCert.key + renewedShopCert.cert);
    const renewedId = renewed.body.id as string;
    expect((await tykJson('PUT', '/tyk/apis/shop', api('shop', { domain: 'shop.test', certificates: [renewedId] }))).status).toBe(200);
    await waitFor(async () => (await servedFor('shop.test')) === fingerprint(renewedShopCert.cert), {
      timeoutMs: 10_000,
      message: 'the renewed certificate to be served',
    });

    expect(await certs('DELETE', `/tyk/certs/${renewedId}`, '/tyk/certs/{certID}')).toEqual({ status: 200, body: { message: 'removed', status: 'ok' } });
    await waitFor(async () => (await servedFor('shop.test')) === fingerprint(fileCert.cert), {
      timeoutMs: 10_000,
      message: 'the file certificate to be served again once the stored one is deleted',
    });
    const both = await certs('GET', `/tyk/certs/${shopId},${shopId}`, '/tyk/certs/{certID}');
    expect(both.body).toHaveLength(2);
  });

  it('presents a stored certificate to an upstream that requires one (upstream_certificates), and none once it is deleted', async () => {
    const clientId = `e2e${fingerprint(clientCert.cert)}`;
    const secure = api('secure', {
      proxy: { listen_path: '/secure/', target_url: secureUrl, strip_listen_path: true, transport: { ssl_ca_certificates: ca.cert } },
      upstream_certificates: { '*': clientId },
    });
    expect((await tykJson('POST', '/tyk/apis', secure)).status).toBe(200);
    // Not in the store yet: no client certificate, the upstream refuses the handshake.
    await waitFor(async () => (await fetch(`${stack.gateway.url}/secure/x`)).status === 502, {
      timeoutMs: 10_000,
      message: 'the API to be served (502 without a client certificate)',
    });

    expect((await certs('POST', '/tyk/certs?org_id=e2e', '/tyk/certs', clientCert.cert + clientCert.key)).body.id).toBe(clientId);
    await waitFor(async () => (await fetch(`${stack.gateway.url}/secure/x`)).status === 200, {
      timeoutMs: 10_000,
      message: 'the stored client certificate to be presented',
    });
    expect(await (await fetch(`${stack.gateway.url}/secure/x`)).json()).toEqual({ client: 'portcullis-gateway' });

    await certs('DELETE', `/tyk/certs/${clientId}`, '/tyk/certs/{certID}');
    await waitFor(async () => (await fetch(`${stack.gateway.url}/secure/x`)).status === 502, {
      timeoutMs: 10_000,
      message: 'no client certificate once deleted',
    });
  });

  it('lets use_mutual_tls_auth name a stored certificate by its id in client_certificates (as Tyk does)', async () => {
    const caller = ca.issue(['caller'], { clientAuth: true, file: 'caller' });
    const added = await certs('POST', '/tyk/certs?org_id=e2e', '/tyk/certs', caller.cert);
    expect((await certs('GET', `/tyk/certs/${added.body.id}`, '/tyk/certs/{certID}')).body.has_private).toBe(false);
    expect(
      (await tykJson('POST', '/tyk/apis', api('mtls', { domain: 'files.test', use_mutual_tls_auth: true, client_certificates: [added.body.id] }))).status,
    ).toBe(200);
    const get = (client?: TestCertificate) =>
      new Promise<number>((resolve, reject) => {
        const request = httpsRequest(
          {
            host: '127.0.0.1',
            port: tlsPort,
            path: '/mtls/x',
            servername: 'files.test',
            ca: ca.cert,
            headers: { host: 'files.test' },
            agent: false,
            ...(client ? { cert: client.cert, key: client.key } : {}),
          },
          (response) => {
            response.resume();
            response.on('end', () => resolve(response.statusCode!));
          },
        );
        request.on('error', reject);
        request.end();
      });
    await waitFor(async () => (await get()) === 403, { timeoutMs: 10_000, message: 'the mTLS API to be served' });
    expect(await get(caller)).toBe(200);
    expect(await get(clientCert)).toBe(403);
  });

  it("pins upstream public keys (pinned_public_keys) by store ids, a certificate's or a public key's; refused with verification off", async () => {
    const pinnedCert = ca.issue(['IP:127.0.0.1'], { file: 'pinned-upstream' });
    const pinned = createHttpsServer({ cert: pinnedCert.cert, key: pinnedCert.key }, (_req, res) => res.end('{"pinned":true}'));
    await new Promise<void>((resolve) => pinned.listen(0, '127.0.0.1', resolve));
    try {
      const target = `https://127.0.0.1:${(pinned.address() as AddressInfo).port}`;
      const certificateIdOfUpstream = (await certs('POST', '/tyk/certs?org_id=e2e', '/tyk/certs', pinnedCert.cert)).body.id as string;
      const otherKey = new X509Certificate(fileCert.cert).publicKey.export({ type: 'spki', format: 'pem' }) as string;
      const publicKeyId = (await certs('POST', '/tyk/certs?org_id=e2e', '/tyk/certs', otherKey)).body.id as string;
      expect((await certs('GET', `/tyk/certs/${publicKeyId}`, '/tyk/certs/{certID}')).body).toMatchObject({
        id: publicKeyId,
        has_private: false,
        dns_names: [],
      });
      const pinnedApi = (apiId: string, pins: string, transport: Record<string, unknown> = { ssl_ca_certificates: ca.cert }) =>
        api(apiId, { proxy: { listen_path: `/${apiId}/`, target_url: target, strip_listen_path: true, transport }, pinned_public_keys: { '127.0.0.1': pins } });
      expect((await tykJson('POST', '/tyk/apis', pinnedApi('pin-right', `${publicKeyId},${certificateIdOfUpstream}`))).status).toBe(200);
      expect((await tykJson('POST', '/tyk/apis', pinnedApi('pin-wrong', publicKeyId))).status).toBe(200);
      await waitFor(async () => (await fetch(`${stack.gateway.url}/pin-right/x`)).status === 200, {
        timeoutMs: 10_000,
        message: 'the pinned upstream to be reached',
      });
      expect(await (await fetch(`${stack.gateway.url}/pin-right/x`)).json()).toEqual({ pinned: true });
      const wrong = await fetch(`${stack.gateway.url}/pin-wrong/x`);
      expect(wrong.status).toBe(502);
      const insecure = await tykJson('POST', '/tyk/apis', pinnedApi('pin-insecure', publicKeyId, { ssl_insecure_skip_verify: true }));
      expect(insecure.status).toBe(400);
      expect(insecure.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'pinned_public_keys' })]));
    } finally {
      pinned.closeAllConnections();
      await new Promise((resolve) => pinned.close(resolve));
    }
  });

  describe('the private keys', () => {
    it('are stored sealed: the database holds no key in clear', async () => {
      const client = new pg.Client({ connectionString: stack.databaseUrl });
      await client.connect();
      try {
        const rows = (await client.query('SELECT id, cert_pem, sealed_key FROM registry.certificates')).rows as {
          id: string;
          cert_pem: string;
          sealed_key: string | null;
        }[];
        expect(rows.length).toBeGreaterThan(0);
        expect(rows.find((row) => row.id === shopId)?.sealed_key).toMatch(/^v1\./);
        const stored = JSON.stringify(rows);
        expect(stored).not.toContain('PRIVATE KEY');
        for (const line of keyLines) expect(stored).not.toContain(line);
      } finally {
        await client.end();
      }
    });

    it('never show in a log (gateway at debug level, registry) nor cross NATS in clear; the store did cross it', async () => {
      const logs = stack.gateway.logs() + stack.registry.logs();
      for (const line of keyLines) expect(logs).not.toContain(line);
      const traffic = busTraffic.join('\n');
      expect(traffic).toContain('"sealed_key":"v1.');
      expect(traffic).toContain(fingerprint(clientCert.cert));
      for (const line of keyLines) expect(traffic).not.toContain(line);
    });
  });
});
