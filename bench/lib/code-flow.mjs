import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { es256AccessToken } from './checks.mjs';
import { startProcess } from './processes.mjs';

/**
 * The `code` group: the authorization code for tokens exchange (RFC 6749 §4.1.3, PKCE S256, OpenID
 * Connect `openid` scope with a nonce). A code redeems once, so each target mints its codes through
 * its own authorization endpoint (as a signed-in browser would) before each run, outside the measured
 * window, and the load generator (`code-client.mjs`) sends one code per request.
 */

/** Codes minted per run at most: both servers keep a code 60 s, and minting this many takes a while. */
const MAX_CODES = Number(process.env.BENCH_CODE_MAX) || 12_000;
/** The first guess of a target's rate (codes per second); its first measured rate replaces it, later ones only raise it. */
const FIRST_RATE_GUESS = Number(process.env.BENCH_CODE_RATE) || 600;
/** Authorizations in flight while minting. */
const MINT_CONCURRENCY = 16;
/** Minting stops after this long even if short of the count, so the first codes are still valid when sent. */
const MINT_BUDGET_MS = 30_000;

/** A fresh authorization request's secrets: PKCE verifier and S256 challenge, nonce, state. */
export function freshAuthorization() {
  const verifier = randomBytes(32).toString('base64url');
  return {
    verifier,
    challenge: createHash('sha256').update(verifier).digest('base64url'),
    nonce: randomBytes(16).toString('base64url'),
    state: randomBytes(16).toString('base64url'),
  };
}

/** The authorization request's query (code flow, openid, PKCE S256, nonce). */
export function authorizationQuery({ clientId, redirectUri, scope = 'openid' }, secrets) {
  return new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope,
    state: secrets.state,
    nonce: secrets.nonce,
    code_challenge: secrets.challenge,
    code_challenge_method: 'S256',
  });
}

/** The code from a redirect to the client (`Location`), after checking it carries our state. */
export function codeFromRedirect(location, redirectUri, state) {
  const url = new URL(location);
  if (`${url.origin}${url.pathname}` !== redirectUri) throw new Error(`redirected to ${location}, not to the client`);
  if (url.searchParams.get('state') !== state) throw new Error(`the redirect carries another state: ${location}`);
  const code = url.searchParams.get('code');
  if (!code) throw new Error(`the redirect carries no code: ${location}`);
  return code;
}

/** The names and values of a response's cookies, as a browser keeps them (for a Cookie header). */
export function cookiesOf(response, jar = new Map()) {
  for (const setCookie of response.headers.getSetCookie()) {
    const [pair] = setCookie.split(';', 1);
    const eq = pair.indexOf('=');
    jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
  }
  return jar;
}

export const cookieHeader = (jar) => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');

/** A token endpoint's answer to a code: the token group's checks, and an ES256 ID Token with this nonce. */
export function tokensWithNonce(expectedNonce) {
  return (answer) => {
    const wrongToken = es256AccessToken(answer);
    if (wrongToken) return wrongToken;
    const { id_token: idToken } = JSON.parse(answer.body);
    const wrong = (why) => `answered ${answer.status} ${JSON.stringify(answer.body.slice(0, 200))}: ${why}`;
    if (typeof idToken !== 'string') return wrong('no id_token');
    const [header, payload] = idToken.split('.');
    const { alg } = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    if (alg !== 'ES256') return wrong(`id_token signed with ${alg}, not ES256`);
    if (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')).nonce !== expectedNonce()) return wrong('id_token nonce is not the request nonce');
    return null;
  };
}

async function mintMany(mintOne, count) {
  const codes = [];
  const until = Date.now() + MINT_BUDGET_MS;
  const worker = async () => {
    while (codes.length + inFlight.size < count && Date.now() < until) {
      const pending = mintOne();
      inFlight.add(pending);
      try {
        codes.push(await pending);
      } finally {
        inFlight.delete(pending);
      }
    }
  };
  const inFlight = new Set();
  await Promise.all(Array.from({ length: MINT_CONCURRENCY }, worker));
  return codes;
}

/**
 * What a code target adds to its instance: `request` (the headers, and the file of bodies the load
 * generator reads), `beforeRun` (mints the codes a run needs: the best measured rate × its duration,
 * twice that (a warm-up underrates), at most MAX_CODES and what 30 s of minting makes), `nextRequest` (one fresh code, for the harness's probe) and
 * `check` (the answer to that very code). `mintOne()` resolves to { code, verifier, nonce } for a
 * code of a signed-in user.
 */
export function codeExchanges({ name, redirectUri, authorization, mintOne, scratchDir, log }) {
  let rate = FIRST_RATE_GUESS;
  let measured = false;
  let probeNonce = null;
  let run = 0;
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: authorization };
  const bodyOf = (minted) =>
    new URLSearchParams({ grant_type: 'authorization_code', code: minted.code, redirect_uri: redirectUri, code_verifier: minted.verifier }).toString();
  const request = {
    method: 'POST',
    headers,
    bodiesFile: null,
    // The generator's result, so the next run mints for the best rate this target reached (a disturbed
    // run's lower rate must not leave the next one short of codes; too many only costs minting time).
    learn(result) {
      if (result.rps > 0) rate = measured ? Math.max(rate, result.rps) : result.rps;
      measured = true;
    },
  };
  return {
    request,
    async beforeRun({ durationS }) {
      const count = Math.min(MAX_CODES, Math.ceil(rate * durationS * 2) + 20);
      const started = Date.now();
      const codes = await mintMany(mintOne, count);
      request.bodiesFile = join(scratchDir, `${name}-codes-${++run}.txt`);
      await writeFile(request.bodiesFile, codes.map((minted) => `${minted.nonce}\t${bodyOf(minted)}\n`).join(''));
      log(
        `  ${name}: ${codes.length} codes minted (of ${count} wanted) in ${((Date.now() - started) / 1000).toFixed(1)} s (for ${durationS} s at ${Math.round(rate)}/s)`,
      );
    },
    async nextRequest() {
      const minted = await mintOne();
      probeNonce = minted.nonce;
      return { method: 'POST', headers, body: bodyOf(minted) };
    },
    check: tokensWithNonce(() => probeNonce),
  };
}

const client = fileURLToPath(new URL('./code-client.mjs', import.meta.url));

/**
 * The group's generator: `code-client.mjs` on the load core, closed loop (each connection waits for
 * its answer), every answer checked; wrong answers count as non-2xx, the first one is in the error.
 */
export const codeClient = {
  name: 'closed-loop code client (bench/lib/code-client.mjs, undici)',
  available: () => true,
  async run(url, { connections, durationS, cpu, request }) {
    if (!request?.bodiesFile) throw new Error('no codes minted for this run');
    const args = [client, url, String(durationS), String(connections), request.bodiesFile, JSON.stringify(request.headers)];
    const proc = startProcess('code-client', process.execPath, args, { cpu });
    const { code } = await proc.exited;
    const match = /CODE_CLIENT_JSON (\{.*\})/.exec(proc.output());
    if (code !== 0 || !match) throw new Error(`the code client failed (exit ${code}):\n${proc.output()}`);
    const r = JSON.parse(match[1]);
    if (r.firstWrong) process.stderr.write(`  first wrong answer: ${r.firstWrong}\n`);
    if (r.ranOut) process.stderr.write(`  the ${r.available} codes ran out after ${r.elapsedS.toFixed(1)} s (rate over that time)\n`);
    const result = { rps: r.done / r.elapsedS, p50Ms: r.p50Ms, p99Ms: r.p99Ms, requests: r.done, errors: r.errors, non2xx: r.wrong };
    request.learn?.(result);
    return result;
  },
};
