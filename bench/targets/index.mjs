import { es256AccessToken, upstreamBody } from '../lib/checks.mjs';
import { codeClient } from '../lib/code-flow.mjs';
import { constantRate, latencyMarkdownTable, latencyTextTable, withLatency } from '../lib/latency.mjs';
import direct from './direct.mjs';
import fastifyHttpProxy from './fastify-http-proxy.mjs';
import nginx from './nginx.mjs';
import nginxTls from './nginx-tls.mjs';
import nodeMinimal from './node-minimal.mjs';
import oidcProviderCode from './oidc-provider-code.mjs';
import oidcProviderIntrospect from './oidc-provider-introspect.mjs';
import oidcProviderToken from './oidc-provider-token.mjs';
import portcullis from './portcullis.mjs';
import portcullisCode from './portcullis-code.mjs';
import portcullisJwt from './portcullis-jwt.mjs';
import portcullisKey from './portcullis-key.mjs';
import portcullisLb from './portcullis-lb.mjs';
import portcullisIntrospect from './portcullis-introspect.mjs';
import portcullisToken from './portcullis-token.mjs';
import portcullisTls from './portcullis-tls.mjs';
import portcullisTransform from './portcullis-transform.mjs';
import portcullisTyk from './portcullis-tyk.mjs';
import portcullisCache from './portcullis-cache.mjs';
import portcullisEmbedded from './portcullis-embedded.mjs';
import portcullisUntracked from './portcullis-untracked.mjs';
import portcullisTraced from './portcullis-traced.mjs';

/**
 * Every target, in the order each round runs them. Adding one: a file beside this one
 * (see ../lib/target.mjs for the interface) and a line here.
 */
export const targets = [
  direct,
  portcullis,
  portcullisUntracked,
  portcullisTraced,
  portcullisKey,
  portcullisJwt,
  portcullisTyk,
  portcullisLb,
  portcullisCache,
  portcullisTls,
  portcullisTransform,
  portcullisEmbedded,
  fastifyHttpProxy,
  nodeMinimal,
  nginx,
  nginxTls,
];

/** Ratios in the report are to these, when they ran ('portcullis', the keyless gateway: issue 5's goal is JWT + rate limit + analytics at ≥ 0.85 of it, issue 12's the Tyk definition at ≥ 0.90). */
export const references = ['nginx', 'node-minimal', 'portcullis'];

/** The token endpoint: client_credentials, HTTP Basic client auth, an ES256 JWT per request. */
export const tokenTargets = [portcullisToken, oidcProviderToken];

/**
 * RFC 7662 introspection of an access token, client in Basic, beside each one's token endpoint in the
 * same run: introspection's rate is read as a ratio to issuing (issue 15: Portcullis's at ≥ 2×).
 * Each introspect target checks its own answer (`instance.check`: that token, active, its client).
 */
export const introspectTargets = [portcullisToken, portcullisIntrospect, oidcProviderToken, oidcProviderIntrospect];

/**
 * Benchmarks run one group after the other (BENCH_GROUPS chooses), each with its own targets,
 * correctness check, references for the ratios, and table. `upstream`: the group's targets proxy
 * to the bench's upstream (started for it, and counting what it served).
 */
export const groups = [
  { name: 'proxy', title: 'proxies (GET through to the upstream)', unit: 'req/s', targets, references, check: upstreamBody, upstream: true },
  {
    name: 'token',
    title: 'token endpoint (client_credentials)',
    unit: 'tokens/s',
    targets: tokenTargets,
    references: ['oidc-provider-token'],
    check: es256AccessToken,
    upstream: false,
  },
  {
    name: 'latency',
    title: "tail latency at a constant rate (open loop, from each request's due time)",
    unit: 'req/s',
    targets: [direct, portcullis, portcullisEmbedded],
    references: [],
    check: upstreamBody,
    upstream: true,
    // Its own load generator (a constant rate, after measuring capacities), rows and tables.
    generator: constantRate,
    summarise: withLatency,
    textTable: latencyTextTable,
    markdownTable: latencyMarkdownTable,
  },
  {
    name: 'introspect',
    title: 'introspection (RFC 7662, client in Basic) beside the token endpoint',
    unit: 'req/s',
    targets: introspectTargets,
    references: ['portcullis-token', 'oidc-provider-introspect'],
    check: es256AccessToken,
    connections: 32,
    upstream: false,
  },
  {
    name: 'code',
    title: 'authorization code for tokens (PKCE, openid with nonce: ID Token and access token)',
    unit: 'exchanges/s',
    // Codes made through each authorization endpoint before each run (instance.beforeRun), one per request.
    targets: [portcullisCode, oidcProviderCode],
    references: ['oidc-provider-code'],
    // Each target checks the answer to its fresh code (instance.check: the nonce of that request).
    check: es256AccessToken,
    connections: 32,
    upstream: false,
    generator: codeClient,
    // Minting codes makes it long (about 3 minutes at 1 round of 5 s): not in the default list.
    onlyWhenNamed: true,
  },
];
