import { readBoundedBody } from '@portcullis/http';
import { request } from 'undici';

const MAX_DOCUMENT_BYTES = 512 * 1024;

/**
 * GET of a provider's JSON document (JWKS, OpenID discovery): bounded in time and size, redirects
 * not followed, anything but a 200 with JSON is a failure (and the keys we have stay in use).
 */
export async function fetchJson(url: string, timeoutMs: number): Promise<unknown> {
  const response = await request(url, {
    method: 'GET',
    headers: { accept: 'application/json' },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (response.statusCode !== 200) {
    await response.body.dump();
    throw new Error(`${url} answered ${response.statusCode}`);
  }
  const body = await readBoundedBody(response.body, MAX_DOCUMENT_BYTES);
  if (body === undefined) throw new Error(`${url} sent more than ${MAX_DOCUMENT_BYTES} bytes`);
  return JSON.parse(body.toString('utf8'));
}
