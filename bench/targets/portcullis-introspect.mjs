import { activeIntrospection, introspectionRequest, issueToken } from '../lib/introspection.mjs';
import portcullisToken from './portcullis-token.mjs';

/**
 * The auth service's RFC 7662 endpoint, `POST /oauth/introspect`, on the stack `portcullis-token`
 * starts (built auth process pinned, registry beside it, scratch database, private NATS): one ES256
 * JWT access token issued at start by the token endpoint to the bench client, then introspected by
 * that client (HTTP Basic) on every request. Each answer must say active, with the token's jti,
 * client_id and sub (client_credentials: the client itself).
 */
export default {
  name: 'portcullis-introspect',
  description:
    'the Portcullis auth service (built, one process): POST /oauth/introspect of an ES256 JWT access token it issued, client_secret_basic; PostgreSQL as the service uses it',
  async start(ctx) {
    const stack = await portcullisToken.start(ctx);
    try {
      const token = await issueToken(stack.url, stack.request);
      const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
      return {
        ...stack,
        url: stack.url.replace(/\/oauth\/token$/, '/oauth/introspect'),
        request: introspectionRequest(stack.request.headers.Authorization, token),
        check: activeIntrospection({ jti: claims.jti, client_id: claims.client_id, sub: claims.sub }),
      };
    } catch (error) {
      await stack.stop();
      throw error;
    }
  },
};
