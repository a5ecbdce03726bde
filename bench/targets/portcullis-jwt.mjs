import { SignJWT, exportSPKI, generateKeyPair } from 'jose';
import { startPortcullisStack, unrefusingPolicy } from '../lib/portcullis-stack.mjs';
import { waitFor } from '../lib/processes.mjs';
import { UPSTREAM_BODY } from '../lib/upstream-body.mjs';

/**
 * The real gateway with an ES256 JWT on every request (public key inline, algorithm pinned, policy
 * from the `pol` claim): signature verified once and then served from the verified-token cache,
 * access rights, a rate limit checked on every request (too high to refuse) with its headers, and
 * analytics records batched to JetStream. The goal: ≥ 85% of the keyless gateway.
 */
export default {
  name: 'portcullis-jwt',
  description: 'the Portcullis gateway (distributed): ES256 JWT + policy (access rights, rate limit that never refuses) + analytics',
  async start(ctx) {
    const stack = await startPortcullisStack(ctx, 'portcullis-jwt');
    try {
      const apiId = 'bench-jwt';
      const { publicKey, privateKey } = await generateKeyPair('ES256');
      await stack.admin('POST', `${stack.registryUrl}/admin/policies`, unrefusingPolicy('bench-jwt-policy', apiId));
      await stack.admin('POST', `${stack.registryUrl}/admin/apis`, {
        api_id: apiId,
        name: apiId,
        enable_jwt: true,
        jwt_signing_method: 'ES256',
        jwt_source: await exportSPKI(publicKey),
        jwt_identity_base_field: 'sub',
        jwt_policy_field_name: 'pol',
        proxy: { listen_path: '/bench/', target_url: ctx.upstream.url, strip_listen_path: true },
      });
      const token = await new SignJWT({ pol: ['bench-jwt-policy'] })
        .setProtectedHeader({ alg: 'ES256' })
        .setSubject('bench-user')
        .setIssuedAt()
        .setExpirationTime('2h')
        .sign(privateKey);
      const request = { method: 'GET', headers: { Authorization: `Bearer ${token}` } };
      const url = `${stack.gatewayUrl}/bench/`;
      await waitFor(
        `${url} to accept the token`,
        async () => {
          const response = await fetch(url, { headers: request.headers });
          return response.status === 200 && (await response.text()) === UPSTREAM_BODY && response.headers.has('x-ratelimit-limit');
        },
        { process: stack.gateway, timeoutMs: 15_000 },
      );
      return { url, request, pid: stack.gateway.pid, stop: stack.stop };
    } catch (error) {
      await stack.stop();
      throw error;
    }
  },
};
