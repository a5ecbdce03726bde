// The `code` group's load generator: a closed-loop client (each of `connections` keep-alive
// connections sends its next request when its answer is in, as wrk does) whose every request carries
// its own body, read from a file of pre-made ones, each used once (an authorization code redeems once).
// Every answer is checked, not only its status: 200, JSON, a Bearer `access_token` that is a JWT and
// an `id_token` whose `nonce` is the one of that code's authorization request.
// Usage: node code-client.mjs <url> <seconds> <connections> <bodies file> <headers JSON>
// The file has one "<nonce>\t<form body>" per line. It stops at <seconds> or when the bodies run out.
// Prints one line "CODE_CLIENT_JSON {...}".
import { readFileSync } from 'node:fs';
import { createHistogram } from 'node:perf_hooks';
import { Pool } from 'undici';

const [url, secondsArg, connectionsArg, bodiesFile, headersArg] = process.argv.slice(2);
const seconds = Number(secondsArg);
const connections = Number(connectionsArg);
const headers = JSON.parse(headersArg);
const lines = readFileSync(bodiesFile, 'utf8').split('\n').filter(Boolean);
const target = new URL(url);
const pool = new Pool(target.origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
const path = `${target.pathname}${target.search}`;

const histogram = createHistogram({ lowest: 1, highest: 60e9, figures: 3 });
let next = 0;
let done = 0;
let errors = 0;
let wrong = 0;
let firstWrong = null;

const claimsOf = (jwt) => JSON.parse(Buffer.from(String(jwt).split('.')[1] ?? '', 'base64url').toString('utf8'));

/** Null when the answer is a right one for a code whose authorization request carried `nonce`. */
function whatIsWrong(status, text, nonce) {
  if (status !== 200) return `status ${status}`;
  try {
    const answer = JSON.parse(text);
    if (String(answer.token_type).toLowerCase() !== 'bearer') return 'token_type is not Bearer';
    if (typeof answer.access_token !== 'string' || answer.access_token.split('.').length !== 3) return 'no JWT access_token';
    claimsOf(answer.access_token);
    if (claimsOf(answer.id_token).nonce !== nonce) return 'the id_token has not the request nonce';
    return null;
  } catch (error) {
    return `unreadable answer (${error.message})`;
  }
}

const startNs = process.hrtime.bigint();
const deadlineNs = startNs + BigInt(Math.round(seconds * 1e9));

async function connectionLoop() {
  while (next < lines.length && process.hrtime.bigint() < deadlineNs) {
    const line = lines[next++];
    const tab = line.indexOf('\t');
    const nonce = line.slice(0, tab);
    const sentNs = process.hrtime.bigint();
    try {
      const { statusCode, body } = await pool.request({ path, method: 'POST', headers, body: line.slice(tab + 1) });
      const text = await body.text();
      histogram.record(Math.max(1, Number(process.hrtime.bigint() - sentNs)));
      const problem = whatIsWrong(statusCode, text, nonce);
      if (problem) {
        wrong++;
        firstWrong ??= `${problem}: ${text.slice(0, 200)}`;
      }
    } catch (error) {
      errors++;
      firstWrong ??= `request failed: ${error.message}`;
    }
    done++;
  }
}

await Promise.all(Array.from({ length: connections }, connectionLoop));
const elapsedS = Number(process.hrtime.bigint() - startNs) / 1e9;
await pool.close();
const ms = (p) => histogram.percentile(p) / 1e6;
console.log(
  `CODE_CLIENT_JSON ${JSON.stringify({
    done,
    errors,
    wrong,
    firstWrong,
    elapsedS,
    available: lines.length,
    ranOut: next >= lines.length && elapsedS < seconds,
    p50Ms: ms(50),
    p99Ms: ms(99),
  })}`,
);
