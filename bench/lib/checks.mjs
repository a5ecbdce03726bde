import { Agent, fetch as undiciFetch } from 'undici';
import { UPSTREAM_BODY } from './upstream-body.mjs';

/**
 * What a group accepts as a correct answer, checked before a target is measured and again after:
 * a figure for a target that answers errors (or something else) would measure the wrong thing.
 * Each check takes {status, contentType, body} and returns null when right, else what is wrong.
 */

/**
 * One request exactly as the load generator sends it (the target's own, else a plain GET); a target
 * whose requests are used up (an authorization code redeems once) makes a fresh one (`nextRequest`).
 */
export async function probe(instance, { timeoutMs = 5000 } = {}) {
  const { method = 'GET', headers, body } = (await instance.nextRequest?.()) ?? instance.request ?? {};
  const init = { method, headers, body, signal: AbortSignal.timeout(timeoutMs) };
  // An HTTPS target with its own certificate (instance.ca): trusted for this probe only.
  const response =
    instance.ca === undefined
      ? await fetch(instance.url, init)
      : await undiciFetch(instance.url, { ...init, dispatcher: new Agent({ connect: { ca: instance.ca } }) });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: await response.text() };
}

/** Proxies: 200 and exactly the upstream's body. */
export function upstreamBody({ status, body }) {
  if (status === 200 && body === UPSTREAM_BODY) return null;
  return `answered ${status} ${JSON.stringify(body.slice(0, 200))}, not the upstream's body`;
}

/**
 * Token endpoints: 200, JSON with a Bearer `access_token` that is an ES256-signed JWT, so every
 * target of the group is known to do the same kind of work (sign a JWT) per request.
 */
export function es256AccessToken({ status, body }) {
  const wrong = (why) => `answered ${status} ${JSON.stringify(body.slice(0, 200))}: ${why}`;
  if (status !== 200) return wrong('not 200');
  let answer;
  try {
    answer = JSON.parse(body);
  } catch {
    return wrong('not JSON');
  }
  if (typeof answer.access_token !== 'string') return wrong('no access_token');
  if (String(answer.token_type).toLowerCase() !== 'bearer') return wrong('token_type is not Bearer');
  const [header, payload, signature] = answer.access_token.split('.');
  let alg;
  try {
    alg = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')).alg;
    JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return wrong('access_token is not a JWT');
  }
  if (alg !== 'ES256' || !signature) return wrong(`access_token is signed with ${alg}, not ES256`);
  return null;
}
