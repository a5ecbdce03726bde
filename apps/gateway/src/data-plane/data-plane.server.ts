import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { answerClientErrors, listeningUrl, refuseRequestTarget } from '@portcullis/http';
import { createServer, ServerResponse, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { TlsTermination } from './tls/tls-termination.js';
import { DRAIN_MS, type GatewayConfig } from '../config.js';
import { GATEWAY_CONFIG } from '../tokens.js';
import { runChain } from './chain.js';
import { ConfigurationStore } from './configuration-store.js';
import { answerInternalError, preparedError } from './error-responses.js';
import { RequestContext } from './request-context.js';
import { errorForLog } from '@portcullis/logging';
import { GatewayTracing } from './tracing/gateway-tracing.js';

/** Paths the control plane (Nest) answers; everything else is proxied traffic. */
const controlPaths = new Set(['/health', '/ready', '/metrics', '/tyk']);

function isControlPlane(url: string): boolean {
  // Cheap first test on the second character: most proxied paths leave here.
  const c = url.charCodeAt(1);
  if (c !== 104 /* h */ && c !== 114 /* r */ && c !== 109 /* m */ && c !== 116 /* t */) return false;
  if (url.startsWith('/tyk/')) return true;
  const queryAt = url.indexOf('?');
  return controlPaths.has(queryAt === -1 ? url : url.slice(0, queryAt));
}

/** RFC 9112 §3.2's 400; the connection is closed too, as nginx does after a bad request. */

// Stated rather than implied: a client has 60 s to send its headers and 5 min for the whole
// request. maxHeaderSize stays Node's (16 KiB); what its parser refuses (oversized headers,
// smuggling attempts, bad header bytes) is answered by answerClientErrors.
const serverTimeouts = { headersTimeout: 60_000, requestTimeout: 300_000 };

/**
 * The data plane's own `node:http` server. Nest creates and closes it with the application, but
 * requests never pass through Nest's router: control-plane paths are handed to the Express instance
 * Nest built (initialised, never listening itself), everything else runs its API's compiled chain.
 */
@Injectable()
export class DataPlaneServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('DataPlane');
  private server: Server | null = null;
  /** The HTTPS listener beside the HTTP one (GATEWAY_TLS_PORT), and its certificates; null without TLS. */
  private tlsServer: Server | null = null;
  private tls: TlsTermination | null = null;
  private controlPlane: RequestListener | null = null;
  /** Connections handed over by 'upgrade' (WebSocket tunnels), which server.close() does not wait for. */
  private readonly tunnels = new Set<Socket>();
  /** Runs a request's chain; with tracing on, after starting its trace (chosen once, here). */
  private readonly run: (ctx: RequestContext) => void;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly store: ConfigurationStore,
    private readonly adapterHost: HttpAdapterHost,
    tracing: GatewayTracing,
  ) {
    const chains = tracing.chains;
    this.run =
      chains === null
        ? (ctx) => this.runChainOf(ctx)
        : (ctx) => {
            chains.begin(ctx);
            this.runChainOf(ctx);
          };
  }

  get url(): string {
    return listeningUrl(this.server?.address() as AddressInfo | null, this.config.http.host);
  }

  get tlsUrl(): string | null {
    return this.tlsServer === null ? null : listeningUrl(this.tlsServer.address() as AddressInfo | null, this.config.http.host).replace(/^http:/, 'https:');
  }

  /** Runs at the end of `app.init()`, when Nest's routes are registered. */
  async onApplicationBootstrap(): Promise<void> {
    this.controlPlane = this.adapterHost.httpAdapter.getInstance<RequestListener>();
    this.server = await this.listen(createServer(serverTimeouts, this.onRequest), this.config.http.port);
    this.logger.log(`data plane listening on ${this.url}`);
    const tls = this.config.tls;
    if (tls !== null) {
      this.tls = new TlsTermination(tls.certificates, tls.reloadMs, this.logger, () => this.store.servedCertificates);
      // requestCert without rejectUnauthorized: a certificate is asked for, and judged per API
      // (use_mutual_tls_auth's list), never required of every client of the listener.
      const clientCerts = tls.requestClientCert ? { requestCert: true, rejectUnauthorized: false } : {};
      const server = createHttpsServer({ ...serverTimeouts, ...this.tls.serverOptions(), ...clientCerts }, this.onSecureRequest);
      this.tlsServer = await this.listen(server, tls.port);
      this.tls.watch(server);
      this.logger.log(`data plane listening on ${this.tlsUrl} (TLS)`);
    }
  }

  private async listen(server: Server, port: number): Promise<Server> {
    answerClientErrors(server);
    server.on('upgrade', this.onUpgrade);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.http.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return server;
  }

  /** Stops accepting, lets in-flight requests finish (up to DRAIN_MS), then closes what is left. */
  async beforeApplicationShutdown(): Promise<void> {
    this.tls?.stop();
    const servers = [this.server, this.tlsServer].filter((server): server is Server => server !== null);
    this.server = null;
    this.tlsServer = null;
    await Promise.all(servers.map((server) => this.drain(server)));
  }

  private async drain(server: Server): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const timer = setTimeout(() => {
      server.closeAllConnections();
      // Upgraded connections have left the server's books: cut what is still tunnelled.
      for (const socket of this.tunnels) socket.destroy();
    }, DRAIN_MS);
    await closed;
    clearTimeout(timer);
  }

  private readonly onSecureRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (refuseRequestTarget(req, res)) return;
    if (isControlPlane(req.url ?? '/')) {
      this.controlPlane!(req, res);
      return;
    }
    const ctx = new RequestContext(req, res, this.store.current, performance.now());
    ctx.secure = true;
    this.run(ctx);
  };

  private readonly onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    // Before routing, for the control plane too: one authority and one path (request-target.ts).
    if (refuseRequestTarget(req, res)) return;
    if (isControlPlane(req.url ?? '/')) {
      this.controlPlane!(req, res);
      return;
    }
    this.run(new RequestContext(req, res, this.store.current, performance.now()));
  };

  /**
   * An `Upgrade` request (Node hands these over on their own event, with the socket): it runs its
   * API's chain like any request, answering through a response bound to the socket, and the proxy
   * step tunnels it (websocket-tunnel.ts) or refuses it when the API does not enable WebSockets.
   */
  private readonly onUpgrade = (req: IncomingMessage, socket: Socket, head: Buffer): void => {
    this.tunnels.add(socket);
    socket.once('close', () => this.tunnels.delete(socket));
    socket.on('error', () => socket.destroy());
    const res = new ServerResponse(req);
    res.assignSocket(socket);
    // An answer other than the upstream's 101 ends the connection (it is no longer HTTP/1.1 parsed).
    res.shouldKeepAlive = false;
    res.once('finish', () => socket.end());
    if (refuseRequestTarget(req, res)) return;
    if (this.server === null || isControlPlane(req.url ?? '/')) {
      const response = preparedError('websocket_not_enabled');
      res.writeHead(response.status, response.headers as string[]);
      res.end(response.body);
      return;
    }
    const ctx = new RequestContext(req, res, this.store.current, performance.now());
    ctx.secure = (socket as { encrypted?: boolean }).encrypted === true;
    ctx.upgradeHead = head;
    this.run(ctx);
  };

  private runChainOf(ctx: RequestContext): void {
    const res = ctx.res;
    try {
      runChain(ctx);
    } catch (error) {
      // A bug, not a request problem: a generic 500 outside, the details in the log.
      this.logger.error(errorForLog(error));
      answerInternalError(res);
    }
  }
}
