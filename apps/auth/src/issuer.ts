/**
 * The issuer identifier (RFC 8414 §2), the `iss` of every token. Configured, or else the service's
 * own URL, which is known only once it listens (port 0 in tests): `createAuthApp` sets it then,
 * before any request can arrive.
 */
export class Issuer {
  private current: string | undefined;

  constructor(configured: string | undefined) {
    this.current = configured;
  }

  get value(): string {
    if (this.current === undefined) throw new Error('the issuer is not known yet: the service is not listening');
    return this.current;
  }

  /** Takes the listening URL when no issuer was configured. */
  listeningAt(url: string): void {
    this.current ??= url.replace(/\/+$/, '');
  }
}
