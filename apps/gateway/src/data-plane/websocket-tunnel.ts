import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { resumeChain } from './chain.js';
import type { CompiledUpstream } from './compiled.js';
import { clientAddress, upstreamPath, upstreamRequestHeaders, withoutNamed } from './forwarding.js';
import { CLIENT_CLOSED_REQUEST, type RequestContext } from './request-context.js';
import { CONTINUE, fail, PENDING, type StepResult } from './step.js';

/** Status recorded for a tunnelled WebSocket: the 101 the client got, once, when the tunnel closes. */
const SWITCHING_PROTOCOLS = 101;

/** Tyk's `enable_websockets`: an API proxies WebSocket upgrades only when its definition says so. */
export function websocketsEnabled(definition: object): boolean {
  return (definition as { enable_websockets?: unknown }).enable_websockets === true;
}

/**
 * RFC 6455 §4.1: a WebSocket opening handshake is a GET with `Upgrade: websocket` (Tyk's
 * IsWebsocket). Other upgrades (h2c, TLS) are not proxied.
 */
export function isWebSocketUpgrade(method: string | undefined, raw: readonly string[]): boolean {
  if (method !== 'GET') return false;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === 'upgrade') return raw[i + 1]!.trim().toLowerCase() === 'websocket';
  }
  return false;
}

/**
 * The proxy step for an upgrade request (ctx.upgradeHead set): the API's chain has run up to here
 * (authentication, limits), so only an allowed caller's handshake reaches the upstream. The
 * upstream's 101 is relayed as it came and the two sockets are piped both ways; any other answer is
 * relayed as an ordinary response. The chain resumes (and `record` counts the request, once) when
 * the tunnel is over, so the analytics record carries the 101 and the bytes the upstream sent.
 */
export function proxyUpgrade(ctx: RequestContext, upstream: CompiledUpstream): StepResult {
  const req = ctx.req;
  if (!websocketsEnabled(ctx.api!.definition) || !isWebSocketUpgrade(req.method, req.rawHeaders)) return fail('websocket_not_enabled');
  const forwarded = upstreamRequestHeaders(req.rawHeaders, clientAddress(req.socket.remoteAddress), ctx.secure ? 'https' : 'http', upstream.preserveHost);
  const kept = ctx.dropHeaders === null ? forwarded : withoutNamed(forwarded, ctx.dropHeaders);
  // Tracing on: the upstream's handshake continues the gateway's trace, as a plain request does.
  const headers = ctx.trace === null ? kept : ctx.trace.upstreamHeaders(kept);
  // Connection and Upgrade are hop-by-hop (dropped above); this hop asks for the upgrade itself.
  headers.push('connection', 'Upgrade', 'upgrade', 'websocket');
  const target = new URL(upstream.origin);
  const secure = target.protocol === 'https:';
  const options = {
    host: target.hostname.replace(/^\[|\]$/g, ''),
    port: target.port === '' ? (secure ? 443 : 80) : Number(target.port),
    method: 'GET',
    path: upstreamPath(upstream.rewrite, ctx.forwardPath, ctx.forwardQuery),
    headers: headerObject(headers),
    agent: false as const,
    ...(secure ? upstream.tls : null),
  };
  new WebSocketTunnel(ctx, (secure ? httpsRequest : httpRequest)(options), upstream.timeoutMs);
  return PENDING;
}

/** Node's request options take an object: repeated names become a list (the upgrade path only). */
function headerObject(flat: readonly string[]): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i]!.toLowerCase();
    const existing = headers[name];
    headers[name] = existing === undefined ? flat[i + 1]! : Array.isArray(existing) ? [...existing, flat[i + 1]!] : [existing, flat[i + 1]!];
  }
  return headers;
}

/** One proxied upgrade: the handshake, then (on a 101) the two sockets piped until both have closed. */
class WebSocketTunnel {
  private settled = false;
  private readonly client: Duplex;

  constructor(
    private readonly ctx: RequestContext,
    private readonly request: ClientRequest,
    timeoutMs: number,
  ) {
    this.client = ctx.req.socket;
    const dispatchedAt = performance.now();
    request.setTimeout(timeoutMs, () => request.destroy(Object.assign(new Error('no handshake answer in time'), { code: 'ETIMEDOUT' })));
    request.once('upgrade', (response: IncomingMessage, upstreamSocket: Duplex, upstreamHead: Buffer) => {
      ctx.upstreamMs = performance.now() - dispatchedAt;
      this.tunnel(response, upstreamSocket, upstreamHead);
    });
    request.once('response', (response: IncomingMessage) => {
      ctx.upstreamMs = performance.now() - dispatchedAt;
      this.relayRefusal(response);
    });
    request.once('error', (error: NodeJS.ErrnoException) => {
      if (this.settled) return;
      if (this.client.destroyed) {
        ctx.status = CLIENT_CLOSED_REQUEST;
        this.settle(CONTINUE);
      } else {
        this.settle(fail(error.code === 'ETIMEDOUT' ? 'upstream_timeout' : 'upstream_unreachable'));
      }
    });
    // The client gave up before the upstream answered: drop the handshake.
    this.client.once('close', this.onEarlyClientClose);
    request.end();
  }

  private readonly onEarlyClientClose = (): void => {
    this.request.destroy();
  };

  /** The upstream accepted: its 101 goes to the client as it came, then bytes flow both ways. */
  private tunnel(response: IncomingMessage, upstream: Duplex, upstreamHead: Buffer): void {
    const ctx = this.ctx;
    const client = this.client;
    client.off('close', this.onEarlyClientClose);
    if (client.destroyed) {
      upstream.destroy();
      ctx.status = CLIENT_CLOSED_REQUEST;
      this.settle(CONTINUE);
      return;
    }
    // The handshake is over: the tunnel may stay idle as long as either side wants.
    (upstream as Socket).setTimeout(0);
    const raw = response.rawHeaders;
    let head = `HTTP/1.1 ${SWITCHING_PROTOCOLS} ${response.statusMessage || 'Switching Protocols'}\r\n`;
    for (let i = 0; i < raw.length; i += 2) head += `${raw[i]}: ${raw[i + 1]}\r\n`;
    const extra = ctx.extraHeaders;
    if (extra !== null) for (let i = 0; i < extra.length; i += 2) head += `${extra[i]}: ${extra[i + 1]}\r\n`;
    client.write(`${head}\r\n`);
    if (upstreamHead.length > 0) client.write(upstreamHead);
    const clientHead = ctx.upgradeHead!;
    if (clientHead.length > 0) upstream.write(clientHead);
    ctx.status = SWITCHING_PROTOCOLS;
    upstream.on('data', (chunk: Buffer) => {
      ctx.bytesOut += chunk.length;
    });
    // pipe() passes an end (a FIN) on to the other side, so a close handshake and the half-closes
    // after it go through as they came; a reset on either side tears down the other.
    upstream.pipe(client);
    client.pipe(upstream);
    let open = 2;
    const closed = (): void => {
      open--;
      if (open === 1) {
        client.end();
        upstream.end();
      } else if (open === 0) {
        this.settle(CONTINUE);
      }
    };
    const failed = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.once('close', closed);
    upstream.once('close', closed);
    client.on('error', failed);
    upstream.on('error', failed);
  }

  /** The upstream answered the handshake with an ordinary response: relay it and close. */
  private relayRefusal(response: IncomingMessage): void {
    const ctx = this.ctx;
    const res = ctx.res;
    ctx.status = response.statusCode ?? 502;
    const raw = response.rawHeaders;
    const headers: string[] = [];
    for (let i = 0; i < raw.length; i += 2) {
      const lower = raw[i]!.toLowerCase();
      if (lower === 'connection' || lower === 'transfer-encoding' || lower === 'keep-alive' || lower === 'upgrade') continue;
      headers.push(raw[i]!, raw[i + 1]!);
    }
    res.writeHead(ctx.status, headers);
    response.on('data', (chunk: Buffer) => {
      ctx.bytesOut += chunk.length;
    });
    response.pipe(res);
    res.once('finish', () => this.settle(CONTINUE));
    response.once('error', () => {
      res.destroy();
      this.settle(CONTINUE);
    });
  }

  private settle(result: StepResult): void {
    if (this.settled) return;
    this.settled = true;
    this.client.off('close', this.onEarlyClientClose);
    resumeChain(this.ctx, result);
  }
}
