import { startPortcullisStack } from '../lib/portcullis-stack.mjs';
import { freePort, waitForBody } from '../lib/processes.mjs';
import { benchCertificate } from '../lib/tls-certificate.mjs';
import { UPSTREAM_BODY } from '../lib/upstream-body.mjs';

/**
 * The keyless `portcullis` target reached over HTTPS: the gateway terminates TLS on
 * GATEWAY_TLS_PORT (a self-signed P-256 certificate, TLS 1.3), keep-alive connections, so the
 * figure is the cost of record encryption, not of handshakes. Compare with `portcullis` (issue 13's
 * goal: ≥ 0.90) and with `nginx-tls` (nginx terminating TLS with the same certificate).
 */
export default {
  name: 'portcullis-tls',
  description: 'the Portcullis gateway (distributed), keyless API, over HTTPS (TLS terminated by the gateway, keep-alive)',
  async start(ctx) {
    const certificate = await benchCertificate(ctx.tmpDir);
    const tlsPort = await freePort();
    const stack = await startPortcullisStack(ctx, 'portcullis-tls', {
      gatewayEnv: { GATEWAY_TLS_PORT: String(tlsPort), GATEWAY_TLS_CERTIFICATES: `${certificate.certFile}:${certificate.keyFile}` },
    });
    try {
      await stack.admin('POST', `${stack.registryUrl}/admin/apis`, {
        name: 'bench',
        use_keyless: true,
        proxy: { listen_path: '/bench/', target_url: ctx.upstream.url, strip_listen_path: true },
      });
      // Served once the API reached the gateway (seen on its plain port); then measured over HTTPS.
      await waitForBody(`${stack.gatewayUrl}/bench/`, UPSTREAM_BODY, { process: stack.gateway, timeoutMs: 15_000 });
      return { url: `https://127.0.0.1:${tlsPort}/bench/`, ca: certificate.cert, pid: stack.gateway.pid, stop: stack.stop };
    } catch (error) {
      await stack.stop();
      throw error;
    }
  },
};
