import { Logger } from '@nestjs/common';
import type { HttpReply } from '@portcullis/contracts';
import type { IncomingHttpHeaders, IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { errorForLog } from '@portcullis/logging';

const TOKEN_PATH = '/oauth/token';

/**
 * The form content types taken here; any other (a charset to transcode, a malformed type, none at
 * all) goes through Express as before, whose body parser decides what it means.
 */
const plainFormTypes = new Set([
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-8',
  'application/x-www-form-urlencoded;charset=utf-8',
]);

const logger = new Logger('FormEndpoints');

/** An OAuth form endpoint whole, from the raw request to the HTTP answer (TokenEndpoint, IntrospectionEndpoint). */
export interface FormEndpoint {
  handle(request: { contentType: string | undefined; authorization: string | undefined; body: string }): Promise<HttpReply>;
}

/**
 * `POST /oauth/token` straight off `node:http`, in front of Nest's Express handler (`fallback`).
 * The token endpoint is the service's hot path: Express's router, body parser, Nest's pipeline and
 * response helpers cost more than issuing the token itself. See `formRequestListener`.
 */
export function tokenRequestListener(endpoint: FormEndpoint, limitBytes: number, fallback: RequestListener): RequestListener {
  return formRequestListener(new Map([[TOKEN_PATH, endpoint]]), limitBytes, fallback);
}

/**
 * OAuth form endpoints (`routes`: exact path → endpoint) straight off `node:http`, in front of
 * Nest's Express handler (`fallback`): the token endpoint and introspection, the service's hot paths.
 * Only the plain case is taken here: the exact path, a Content-Length within the limit, no
 * Transfer-Encoding or Content-Encoding, and a UTF-8 form content type. Everything else (a trailing
 * slash, a query, chunked or compressed bodies, oversized ones, other types) is Express's, as before,
 * so its limits and errors stay exactly its own. The answer is the endpoint's `handle()`, the same one
 * its Nest controller gives, written with the headers Express writes (less the ETag it computed for
 * a response nobody may cache).
 */
export function formRequestListener(routes: ReadonlyMap<string, FormEndpoint>, limitBytes: number, fallback: RequestListener): RequestListener {
  return (req, res) => {
    const endpoint = req.method === 'POST' && req.url !== undefined ? routes.get(req.url) : undefined;
    if (endpoint === undefined || !isPlainForm(req.headers, limitBytes)) {
      fallback(req, res);
      return;
    }
    readBody(req, res, endpoint);
  };
}

function isPlainForm(headers: IncomingHttpHeaders, limitBytes: number): boolean {
  const type = headers['content-type'];
  const length = headers['content-length'];
  return (
    type !== undefined &&
    plainFormTypes.has(type.toLowerCase()) &&
    length !== undefined &&
    // Node's parser has refused a malformed Content-Length already; this also bounds the read.
    Number(length) <= limitBytes &&
    headers['transfer-encoding'] === undefined &&
    headers['content-encoding'] === undefined
  );
}

function readBody(req: IncomingMessage, res: ServerResponse, endpoint: FormEndpoint): void {
  let first: Buffer | undefined;
  let rest: Buffer[] | undefined;
  req.on('data', (chunk: Buffer) => {
    if (first === undefined) first = chunk;
    else (rest ??= [first]).push(chunk);
  });
  // A client that leaves mid-body gets no answer (there is no one to read it), as with Express.
  req.on('error', () => res.destroy());
  req.on('end', () => {
    const bytes = rest ? Buffer.concat(rest) : first;
    let body = bytes === undefined ? '' : bytes.toString('utf8');
    // Express's UTF-8 decoder (iconv-lite) drops a byte order mark; so does this.
    if (body.charCodeAt(0) === 0xfeff) body = body.slice(1);
    endpoint.handle({ contentType: req.headers['content-type'], authorization: req.headers.authorization, body }).then(
      (answer) => write(res, answer),
      (error: unknown) => {
        // handle() answers every failure itself; reaching here is a bug, so no half-made answer.
        logger.error(errorForLog(error));
        res.destroy();
      },
    );
  });
}

function write(res: ServerResponse, answer: HttpReply): void {
  const headers: string[] = [];
  for (const name in answer.headers) headers.push(name, answer.headers[name]!);
  headers.push('Content-Length', String(Buffer.byteLength(answer.body)));
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}
