import { PortcullisError } from '@portcullis/errors';
import { readBoundedBody } from '@portcullis/http';
import { request } from 'undici';

/** How long any call to an external provider may take, answer included. */
export const PROVIDER_TIMEOUT_MS = 5_000;
const MAX_ANSWER_BYTES = 256 * 1024;

export interface ProviderAnswer {
  status: number;
  /** The parsed JSON body; undefined when there was none or it was not JSON. */
  json: unknown;
}

export interface ProviderCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  bearer?: string | null;
  body?: unknown;
  /** For messages: what the call was for ("the registration", "discovery"). */
  purpose: string;
}

/**
 * One call to a provider, bounded in time and size, redirects not followed. A provider that cannot
 * be reached or does not answer in time is `provider_unavailable`; any answer comes back as it is,
 * for the caller to judge by the spec of the endpoint.
 */
export async function callProvider(call: ProviderCall, timeoutMs = PROVIDER_TIMEOUT_MS): Promise<ProviderAnswer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (call.bearer) headers.authorization = `Bearer ${call.bearer}`;
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  try {
    const response = await request(call.url, {
      method: call.method,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await readBoundedBody(response.body, MAX_ANSWER_BYTES);
    if (body === undefined) throw new Error(`the answer is larger than ${MAX_ANSWER_BYTES} bytes`);
    return { status: response.statusCode, json: parseJson(body) };
  } catch (error) {
    const reason = isTimeout(error) ? `no answer within ${timeoutMs / 1000} s` : error instanceof Error ? error.message : String(error);
    throw new PortcullisError(
      'provider_unavailable',
      `The identity provider could not be reached for ${call.purpose} (${new URL(call.url).origin}): ${reason}`,
    );
  }
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown; code?: unknown } | null)?.name;
  const code = (error as { code?: unknown } | null)?.code;
  return name === 'TimeoutError' || name === 'AbortError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
}

/** RFC 7591 §3.2.2 / RFC 6749 §5.2 error fields of an answer, when it has them. */
export function oauthErrorOf(json: unknown): { error: string; description: string | null } | null {
  if (json === null || typeof json !== 'object') return null;
  const { error, error_description: description } = json as { error?: unknown; error_description?: unknown };
  if (typeof error !== 'string') return null;
  return { error, description: typeof description === 'string' ? description : null };
}
