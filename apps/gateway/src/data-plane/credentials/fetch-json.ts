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
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += (chunk as Buffer).length;
    if (size > MAX_DOCUMENT_BYTES) {
      response.body.destroy();
      throw new Error(`${url} sent more than ${MAX_DOCUMENT_BYTES} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}
