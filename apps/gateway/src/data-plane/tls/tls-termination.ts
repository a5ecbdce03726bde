import { unwatchFile, watchFile, type Stats } from 'node:fs';
import type { Server as HttpsServer, ServerOptions } from 'node:https';
import type { SecureContext } from 'node:tls';
import { CertificateSet, loadCertificate, type CertificateFiles } from './certificates.js';
import { NO_SERVED_CERTIFICATES, type ServedCertificates } from './stored-certificates.js';

export interface TlsLog {
  log(message: string): void;
  warn(message: string): void;
}

/**
 * The HTTPS listener's certificates: chosen per handshake by SNI, and reloaded without a restart.
 * The certificate store's (bound to APIs, `stored`) come first: they change with the configuration,
 * and a name both cover is served the store's. Then the files (CertificateSet), whose first pair is
 * the default for any other name and for clients without SNI; without files there is no default and
 * such a handshake fails. Files change without a restart too. Files are polled (fs.watchFile) rather than watched with
 * inotify: certificate tools replace files by rename and Kubernetes swaps symlinked directories,
 * which an fs.watch on the old inode would miss. A change that does not load (a half-written file,
 * a certificate whose new key has not arrived yet) keeps the certificates being served and is
 * tried again at the next change.
 */
export class TlsTermination {
  private current: CertificateSet | null;
  private server: HttpsServer | null = null;
  private readonly watched: string[];

  constructor(
    private readonly files: readonly CertificateFiles[],
    private readonly reloadMs: number,
    private readonly log: TlsLog,
    private readonly stored: () => ServedCertificates = () => NO_SERVED_CERTIFICATES,
  ) {
    this.current = files.length === 0 ? null : new CertificateSet(files.map(loadCertificate));
    this.watched = [...new Set(files.flatMap((pair) => [pair.certFile, pair.keyFile]))];
  }

  /** The file certificates; null when there are none (only the store's are served). */
  get certificates(): CertificateSet | null {
    return this.current;
  }

  /** The server options: the default certificate (the first file's, if any), and SNI answered per handshake. */
  serverOptions(): ServerOptions {
    if (this.current === null) return { SNICallback: this.sni };
    const fallback = this.current.fallback.pem;
    return { cert: fallback.cert, key: fallback.key, SNICallback: this.sni };
  }

  private readonly sni = (servername: string, callback: (error: Error | null, context?: SecureContext) => void): void => {
    const context = this.stored().contextFor(servername) ?? this.current?.contextFor(servername);
    if (context === undefined) callback(new Error(`no certificate for ${servername}`));
    else callback(null, context);
  };

  /** Starts polling the files; changes are applied to `server` (its default certificate) as well. */
  watch(server: HttpsServer): void {
    this.server = server;
    for (const file of this.watched) watchFile(file, { interval: this.reloadMs, persistent: false }, this.onChange);
  }

  stop(): void {
    for (const file of this.watched) unwatchFile(file, this.onChange);
    this.server = null;
  }

  private readonly onChange = (now: Stats, before: Stats): void => {
    if (now.mtimeMs === before.mtimeMs && now.size === before.size && now.ino === before.ino) return;
    this.reload();
  };

  /** Loads every pair again; all or nothing, so a listener never serves half a change. */
  reload(): boolean {
    if (this.files.length === 0) return true;
    let next: CertificateSet;
    try {
      next = new CertificateSet(this.files.map(loadCertificate));
    } catch (error) {
      this.log.warn(`TLS certificates not reloaded, still serving the previous ones: ${(error as Error).message}`);
      return false;
    }
    this.current = next;
    const fallback = next.fallback.pem;
    this.server?.setSecureContext({ cert: fallback.cert, key: fallback.key });
    this.log.log(`TLS certificates reloaded (${next.certificates.map((certificate) => certificate.names.join(' ') || certificate.files.certFile).join(', ')})`);
    return true;
  }
}
