import { randomBytes, X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ConnectionOptions, PeerCertificate, TLSSocket } from 'node:tls';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WebSocket, WebSocketServer, type ClientOptions } from 'ws';
import { describeWithServices } from '../tools/test/with-services.js';
import { createScratchDatabase } from './support/database.js';
import { freePort, startService, startUpstream, waitFor, type StartedService, type Upstream } from './support/processes.js';
import { gatewayReady } from './support/stack.js';
import { createTestCa, type TestCertificate } from '../tools/test/certificates.js';

/**
 * The gateway's transport features end to end: WebSocket upgrades proxied after authentication
 * (Tyk's enable_websockets) to a real `ws` echo server; TLS termination with certificates chosen by
 * SNI and reloaded when their files change; registry, auth service and a gateway as processes on
 * the machine's NATS and PostgreSQL.
 */
describeWithServices('transport: WebSockets and TLS', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const tyk = { 'x-tyk-authorization': adminSecret, 'content-type': 'application/json' };
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let registry: StartedService;
  let auth: StartedService;
  let gateway: StartedService;
  let echoServer: Server;
  let echo: WebSocketServer;
  let echoUrl: string;
  let key: string;
  let upstream: Upstream;
  const ca = createTestCa();
  let tlsPort: number;
  let gatewayCert: TestCertificate;
  let ordersCert: TestCertificate;
  /** An HTTPS upstream with a certificate from the test CA that asks for (and requires) a client certificate from it. */
  let secureUpstream: HttpsServer;
  let secureUrl: string;
  let clientCert: TestCertificate;
  /** What the echo server saw close, in order: code and reason. */
  const upstreamCloses: { code: number; reason: string }[] = [];

  async function call(method: string, path: string, body?: unknown) {
    const response = await fetch(`${gateway.url}${path}`, { method, headers: tyk, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  }

  // A Tyk classic definition as Tyk's docs show one with WebSockets on (enable_websockets at the top level).
  const tykApi = (api_id: string, fields: Record<string, unknown> & { domain?: string }) => ({
    api_id,
    name: api_id,
    org_id: 'e2e',
    use_keyless: false,
    use_standard_auth: true,
    auth: { auth_header_name: 'Authorization' },
    proxy: { listen_path: `/${api_id}/`, target_url: echoUrl, strip_listen_path: true },
    version_data: { not_versioned: true, default_version: 'Default', versions: { Default: { name: 'Default', use_extended_paths: true } } },
    ...fields,
  });

  /** A plain HTTP request with the headers as given (fetch would not send a Host of our choosing). */
  function httpStatus(path: string, headers: Record<string, string>): Promise<number> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(`${gateway.url}${path}`, { headers, agent: false }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode!));
      });
      request.on('error', reject);
      request.end();
    });
  }

  /** APIs in front of the HTTPS upstream, each with its own proxy.transport (Tyk's field, our PEM fields). */
  function secureApis() {
    const secure = (api_id: string, transport: Record<string, unknown> | undefined) =>
      tykApi(api_id, { proxy: { listen_path: `/${api_id}/`, target_url: secureUrl, strip_listen_path: true, ...(transport ? { transport } : {}) } });
    return [
      secure('mtls', { ssl_min_version: 771, ssl_ca_certificates: ca.cert, ssl_client_certificate: clientCert.cert, ssl_client_key: clientCert.key }),
      secure('no-client-cert', { ssl_ca_certificates: ca.cert }),
      secure('untrusted', undefined),
      secure('insecure', { ssl_insecure_skip_verify: true, ssl_client_certificate: clientCert.cert, ssl_client_key: clientCert.key }),
      secure('tls13', { ssl_min_version: 772, ssl_ca_certificates: ca.cert, ssl_client_certificate: clientCert.cert, ssl_client_key: clientCert.key }),
    ];
  }

  function fingerprintOf(pem: string): string {
    return new X509Certificate(pem).fingerprint256.replaceAll(':', '').toLowerCase();
  }

  function wsUrl(path: string): string {
    return `${gateway.url.replace(/^http/, 'ws')}${path}`;
  }

  /** Opens a WebSocket through the gateway; resolves once open, or rejects with the HTTP status it got instead. */
  function open(path: string, headers: Record<string, string> = {}): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(wsUrl(path), { headers });
      socket.once('open', () => resolve(socket));
      socket.once('unexpected-response', (_request, response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          reject(Object.assign(new Error(`status ${response.statusCode}`), { status: response.statusCode, body: Buffer.concat(chunks).toString('utf8') })),
        );
      });
      socket.once('error', reject);
    });
  }

  // ws hands messages over as Buffers (its default binaryType, 'nodebuffer').
  function nextMessage(socket: WebSocket): Promise<string> {
    return new Promise((resolve) => socket.once('message', (data) => resolve((data as Buffer).toString())));
  }

  function closed(socket: WebSocket): Promise<{ code: number; reason: string }> {
    return new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })));
  }

  async function tunnelsCounted(apiId: string): Promise<number> {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    const line = text
      .split('\n')
      .find((row) => row.startsWith('portcullis_gateway_requests_total{') && row.includes(`api_id="${apiId}"`) && row.includes('status="101"'));
    return line === undefined ? 0 : Number(line.split(' ').pop());
  }

  beforeAll(async () => {
    database = await createScratchDatabase('portcullis_e2e_transport');
    echoServer = createServer((_req, res) => res.writeHead(426).end());
    echo = new WebSocketServer({ server: echoServer });
    echo.on('connection', (socket, request) => {
      socket.on('message', (data) => {
        const text = (data as Buffer).toString();
        // The upstream closes on request, to show a close from its side reaching the client.
        if (text === 'close please') socket.close(4001, 'upstream says bye');
        else socket.send(`echo: ${text} (${request.url})`);
      });
      socket.on('close', (code, reason) => upstreamCloses.push({ code, reason: reason.toString('utf8') }));
    });
    await new Promise<void>((resolve) => echoServer.listen(0, '127.0.0.1', resolve));
    echoUrl = `http://127.0.0.1:${(echoServer.address() as AddressInfo).port}`;
    [registry, auth] = await Promise.all([
      startService('registry', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
      startService('auth', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
    ]);
    upstream = await startUpstream();
    const upstreamCert = ca.issue(['IP:127.0.0.1', 'localhost'], { file: 'upstream' });
    clientCert = ca.issue(['portcullis-gateway'], { clientAuth: true, file: 'client' });
    secureUpstream = createHttpsServer(
      { cert: upstreamCert.cert, key: upstreamCert.key, ca: ca.cert, requestCert: true, rejectUnauthorized: true },
      (req, res) => {
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ path: req.url, client: peer.subject?.CN ?? null, protocol: (req.socket as TLSSocket).getProtocol() }));
      },
    );
    await new Promise<void>((resolve) => secureUpstream.listen(0, '127.0.0.1', resolve));
    secureUrl = `https://127.0.0.1:${(secureUpstream.address() as AddressInfo).port}`;
    gatewayCert = ca.issue(['gateway.test'], { file: 'gateway' });
    ordersCert = ca.issue(['orders.apps.test'], { file: 'orders' });
    tlsPort = await freePort();
    gateway = await startService('gateway', {
      adminSecret,
      env: {
        AUTH_PUBLIC_URL: auth.url,
        GATEWAY_TLS_PORT: String(tlsPort),
        GATEWAY_TLS_CERTIFICATES: `${gatewayCert.certFile}:${gatewayCert.keyFile},${ordersCert.certFile}:${ordersCert.keyFile}`,
        GATEWAY_TLS_RELOAD_MS: '200',
        GATEWAY_TLS_REQUEST_CLIENT_CERT: 'true',
      },
    });
    await gatewayReady(gateway);

    const apis = [
      tykApi('ws', { enable_websockets: true }),
      tykApi('plain', {}),
      // WebSockets on, but the upstream is a plain HTTP server that answers the handshake with a 200; and one that is down.
      tykApi('no-ws-upstream', { enable_websockets: true, proxy: { listen_path: '/no-ws-upstream/', target_url: upstream.url, strip_listen_path: true } }),
      tykApi('ws-down', {
        enable_websockets: true,
        proxy: { listen_path: '/ws-down/', target_url: `http://127.0.0.1:${await freePort()}`, strip_listen_path: true },
      }),
      tykApi('orders', { domain: 'orders.apps.test', proxy: { listen_path: '/orders/', target_url: upstream.url, strip_listen_path: true } }),
      ...secureApis(),
      // Tyk's static mTLS on a keyless API: the client certificate is the only check.
      tykApi('mtls-in', {
        use_keyless: true,
        use_standard_auth: false,
        use_mutual_tls_auth: true,
        client_certificates: [`e2e${fingerprintOf(clientCert.cert)}`],
        proxy: { listen_path: '/mtls-in/', target_url: upstream.url, strip_listen_path: true },
      }),
    ];
    const policy = {
      id: 'ws',
      org_id: 'e2e',
      rate: 1000,
      per: 60,
      quota_max: -1,
      access_rights: Object.fromEntries(apis.map((api) => [api.api_id, { api_id: api.api_id, versions: ['Default'] }])),
    };
    expect((await call('POST', '/tyk/policies', policy)).status).toBe(200);
    for (const api of apis) {
      const posted = await call('POST', '/tyk/apis', api);
      expect(posted.status, JSON.stringify(posted.body)).toBe(200);
    }
    key = (await call('POST', '/tyk/keys', { apply_policies: ['ws'] })).body.key;
    for (const api of apis) {
      await waitFor(
        async () => (await httpStatus(`/${api.api_id}/x`, api.domain === undefined ? {} : { host: api.domain })) === (api.api_id === 'mtls-in' ? 403 : 401),
        { timeoutMs: 10_000, message: `${api.api_id} to be served` },
      );
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([gateway, auth, registry].filter(Boolean).map((service) => service.stop()));
    echo?.close();
    echoServer?.closeAllConnections();
    await new Promise((resolve) => (echoServer ? echoServer.close(resolve) : resolve(undefined)));
    await upstream?.close();
    secureUpstream?.closeAllConnections();
    await new Promise((resolve) => (secureUpstream ? secureUpstream.close(resolve) : resolve(undefined)));
    await database?.drop();
    ca.dispose();
  });

  it('refuses the upgrade without a credential (401), before the upstream sees it', async () => {
    const before = echo.clients.size;
    const refused = await open('/ws/chat').catch((error: { status: number; body: string }) => error);
    expect((refused as { status: number }).status).toBe(401);
    expect(echo.clients.size).toBe(before);
  });

  it('tunnels messages both ways with a key; a close from the client reaches the upstream with its code', async () => {
    const counted = await tunnelsCounted('ws');
    const socket = await open('/ws/chat?room=1', { authorization: key });
    const reply = nextMessage(socket);
    socket.send('hello');
    expect(await reply).toBe('echo: hello (/chat?room=1)');
    const second = nextMessage(socket);
    socket.send('again');
    expect(await second).toBe('echo: again (/chat?room=1)');
    const clientSaw = closed(socket);
    socket.close(1000, 'client done');
    expect(await clientSaw).toEqual({ code: 1000, reason: 'client done' });
    await waitFor(() => upstreamCloses.some((close) => close.reason === 'client done'), { timeoutMs: 5_000, message: 'the upstream to see the close' });
    expect(upstreamCloses.find((close) => close.reason === 'client done')!.code).toBe(1000);
    // Counted once, when the tunnel is over.
    await waitFor(async () => (await tunnelsCounted('ws')) === counted + 1, { timeoutMs: 5_000, message: 'the tunnel to be counted' });
    expect(await tunnelsCounted('ws')).toBe(counted + 1);
  });

  it('a close from the upstream reaches the client with its code and reason', async () => {
    const socket = await open('/ws/chat', { authorization: key });
    const clientSaw = closed(socket);
    socket.send('close please');
    expect(await clientSaw).toEqual({ code: 4001, reason: 'upstream says bye' });
  });

  it('an abrupt end of the client connection (no close frame) ends the upstream connection too', async () => {
    const socket = await open('/ws/abrupt', { authorization: key });
    const reply = nextMessage(socket);
    socket.send('before');
    await reply;
    socket.terminate();
    await waitFor(() => upstreamCloses.some((close) => close.code === 1006), { timeoutMs: 5_000, message: 'the upstream connection to end' });
  });

  it("relays the upstream's own answer when it does not switch protocols, and 502 when it is down", async () => {
    const notSwitched = (await open('/no-ws-upstream/chat', { authorization: key }).catch((error: unknown) => error)) as { status: number; body: string };
    expect(notSwitched.status).toBe(200);
    expect(JSON.parse(notSwitched.body)).toMatchObject({ path: '/chat' });
    const down = (await open('/ws-down/chat', { authorization: key }).catch((error: unknown) => error)) as { status: number; body: string };
    expect(down.status).toBe(502);
    expect(JSON.parse(down.body).error).toBe('upstream_unreachable');
  });

  it('refuses an upgrade to an API without enable_websockets (400 websocket_not_enabled), with or without a key', async () => {
    const refused = (await open('/plain/chat', { authorization: key }).catch((error: unknown) => error)) as { status: number; body: string };
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body).error).toBe('websocket_not_enabled');
    const anonymous = (await open('/plain/chat').catch((error: unknown) => error)) as { status: number };
    expect(anonymous.status).toBe(401);
    // An ordinary request to the same API still goes through.
    expect((await fetch(`${gateway.url}/plain/x`, { headers: { authorization: key } })).status).toBe(426);
  });

  /** One HTTPS request to the gateway's TLS port, trusting only the test CA; the certificate it was shown. */
  function httpsGet(
    path: string,
    servername: string,
    headers: Record<string, string> = {},
    client?: TestCertificate,
  ): Promise<{ status: number; body: string; peer: PeerCertificate }> {
    return new Promise((resolve, reject) => {
      const request = httpsRequest(
        {
          host: '127.0.0.1',
          port: tlsPort,
          path,
          servername,
          ca: ca.cert,
          headers: { host: servername, ...headers },
          agent: false,
          ...(client ? { cert: client.cert, key: client.key } : {}),
        },
        (response) => {
          const peer = (response.socket as TLSSocket).getPeerCertificate();
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode!, body: Buffer.concat(chunks).toString('utf8'), peer }));
        },
      );
      request.on('error', reject);
      request.end();
    });
  }

  it('terminates TLS beside plain HTTP: SNI picks the certificate covering the API domain, the default otherwise', async () => {
    const orders = await httpsGet('/orders/items?x=1', 'orders.apps.test', { authorization: key });
    expect(orders.peer.subjectaltname).toBe('DNS:orders.apps.test');
    expect(orders.status).toBe(200);
    const echoed = JSON.parse(orders.body) as { path: string; headers: Record<string, string> };
    expect(echoed.path).toBe('/items');
    // The upstream is told the client came over HTTPS.
    expect(echoed.headers['x-forwarded-proto']).toBe('https');
    const other = await httpsGet('/plain/x', 'gateway.test');
    expect(other.peer.subjectaltname).toBe('DNS:gateway.test');
    expect(other.status).toBe(401);
    // Plain HTTP is still served on its own port.
    expect(await httpStatus('/orders/items', { host: 'orders.apps.test', authorization: key })).toBe(200);
  });

  it('reloads a changed certificate file without a restart; a broken change keeps the previous certificate', async () => {
    const before = (await httpsGet('/orders/x', 'orders.apps.test', { authorization: key })).peer.serialNumber;
    ca.issue(['orders.apps.test', 'renewed.apps.test'], { file: 'orders' });
    await waitFor(async () => (await httpsGet('/orders/x', 'orders.apps.test', { authorization: key })).peer.serialNumber !== before, {
      timeoutMs: 10_000,
      message: 'the renewed certificate to be served',
    });
    const renewed = await httpsGet('/orders/x', 'orders.apps.test', { authorization: key });
    expect(renewed.peer.subjectaltname).toBe('DNS:orders.apps.test, DNS:renewed.apps.test');
    expect(renewed.status).toBe(200);
    // A file that does not parse is not loaded: the renewed certificate stays, and the gateway says why.
    writeFileSync(ordersCert.certFile, 'not a certificate');
    await waitFor(() => gateway.logs().includes(`${ordersCert.certFile} is not a PEM certificate`), {
      timeoutMs: 10_000,
      message: 'the failed reload to be logged',
    });
    expect((await httpsGet('/orders/x', 'orders.apps.test', { authorization: key })).peer.serialNumber).toBe(renewed.peer.serialNumber);
  });

  it('tunnels a WebSocket over TLS (wss) too', async () => {
    const socket = await new Promise<WebSocket>((resolve, reject) => {
      // ws hands its options to tls.connect, servername included (its types leave that one out).
      const options: ClientOptions & Pick<ConnectionOptions, 'servername'> = { headers: { authorization: key }, ca: ca.cert, servername: 'gateway.test' };
      const client = new WebSocket(`wss://127.0.0.1:${tlsPort}/ws/secure`, options);
      client.once('open', () => resolve(client));
      client.once('error', reject);
    });
    const reply = nextMessage(socket);
    socket.send('over tls');
    expect(await reply).toBe('echo: over tls (/secure)');
    const done = closed(socket);
    socket.close(1000);
    expect((await done).code).toBe(1000);
  });

  it('reaches an HTTPS upstream through the test CA, presenting the client certificate it requires (upstream mTLS)', async () => {
    const mtls = await fetch(`${gateway.url}/mtls/things`, { headers: { authorization: key } });
    expect(mtls.status).toBe(200);
    expect(await mtls.json()).toMatchObject({ path: '/things', client: 'portcullis-gateway' });
    const tls13 = await fetch(`${gateway.url}/tls13/things`, { headers: { authorization: key } });
    expect(await tls13.json()).toMatchObject({ protocol: 'TLSv1.3' });
    // Without the client certificate the upstream ends the handshake; without the CA its certificate is not trusted.
    expect((await fetch(`${gateway.url}/no-client-cert/things`, { headers: { authorization: key } })).status).toBe(502);
    expect((await fetch(`${gateway.url}/untrusted/things`, { headers: { authorization: key } })).status).toBe(502);
    // ssl_insecure_skip_verify: the certificate is not checked, and the gateway says so in its log.
    expect((await fetch(`${gateway.url}/insecure/things`, { headers: { authorization: key } })).status).toBe(200);
    await waitFor(() => gateway.logs().includes('its TLS certificate is not verified (proxy.transport.ssl_insecure_skip_verify)'), {
      timeoutMs: 5_000,
      message: 'the warning',
    });
  });

  it('refuses a definition with an unparseable certificate or a bad ssl_min_version with 400 naming the field; nothing stored', async () => {
    const bad = tykApi('bad-tls', {
      proxy: {
        listen_path: '/bad-tls/',
        target_url: secureUrl,
        transport: { ssl_min_version: 12, ssl_ca_certificates: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' },
      },
    });
    const refused = await call('POST', '/tyk/apis', bad);
    expect(refused.status).toBe(400);
    const named = JSON.stringify(refused.body);
    expect(named).toContain('proxy.transport.ssl_min_version');
    expect(named).toContain('proxy.transport.ssl_ca_certificates');
    expect((await call('GET', '/tyk/apis/bad-tls')).status).toBe(404);
  });

  it("use_mutual_tls_auth: a listed client certificate passes; none, another one, or plain HTTP get Tyk's 403", async () => {
    const passed = await httpsGet('/mtls-in/things', 'gateway.test', {}, clientCert);
    expect(passed.status).toBe(200);
    expect(JSON.parse(passed.body)).toMatchObject({ path: '/things' });
    const without = await httpsGet('/mtls-in/things', 'gateway.test');
    expect(without.status).toBe(403);
    expect(JSON.parse(without.body).error).toBe('client_certificate_required');
    const stranger = ca.issue(['stranger'], { clientAuth: true });
    const other = await httpsGet('/mtls-in/things', 'gateway.test', {}, stranger);
    expect(other.status).toBe(403);
    expect(JSON.parse(other.body).error).toBe('client_certificate_not_allowed');
    expect(await httpStatus('/mtls-in/things', {})).toBe(403);
  });
});
