import { Inject, Injectable } from '@nestjs/common';
import { parse as parseCookies, serialize as serializeCookie, type SerializeOptions } from 'cookie';
import type { Request, Response } from 'express';
import { randomBytes, scryptSync } from 'node:crypto';
import type { RegistryConfig } from '../../config.js';
import { PageCsrf } from '../../http/page-csrf.js';
import type { VerifiedIdentity } from '../../portal/oidc/oidc-sign-ins.js';
import { REGISTRY_CONFIG } from '../../registry-config.token.js';
import { CONSOLE_SESSION_TTL_SECONDS, ConsoleSessions, type ConsoleSession, type Operator } from './console-sessions.js';

export const CONSOLE_SESSION_COOKIE = 'console_session';
export const CONSOLE_CSRF_COOKIE = 'console_csrf';
const ANONYMOUS_ID = /^[A-Za-z0-9_-]{43}$/;
const ADMIN_SECRET_OPERATOR = 'admin-secret:';
const OIDC_OPERATOR = 'oidc:';

/** Who is asking: a signed-in operator (with their session) or nobody yet, and the CSRF token for their forms. */
export interface ConsoleVisit {
  operator: Operator | null;
  session: ConsoleSession | null;
  csrf: string;
  /** What the CSRF token is bound to. */
  binding: string;
}

type ConsoleRequest = Request & { consoleVisit?: ConsoleVisit };

/** The visit as already identified for this request (for error pages), if the handler got that far. */
export function identifiedVisit(req: Request): ConsoleVisit | undefined {
  return (req as ConsoleRequest).consoleVisit;
}

/** Thrown when a form's CSRF token is missing or not this visitor's: a 403 page, nothing changed. */
export class ConsoleCsrfRejected extends Error {}

/** Thrown by a page that needs an operator, asked for without one. */
export class SignInRequired extends Error {}

/**
 * The operator's session and CSRF state, read from and written to the request's cookies. A session
 * opened with the admin secret carries the secret's fingerprint: once the secret is rotated, those
 * sessions end at their next click, as the admin API stops taking the old secret at once. A session
 * opened through the OpenID Provider carries the operator's email, and ends likewise once that email
 * is no longer in CONSOLE_OIDC_OPERATORS (or the console has no provider any more).
 */
@Injectable()
export class ConsoleOperators {
  private readonly csrf: PageCsrf;
  private readonly cookieOptions: SerializeOptions;
  private readonly adminSecret: string;
  /** Worked out at the first sign-in or session check, not at start: scrypt is 100 ms and 32 MB, and most processes never serve the console. */
  private adminSecretOperator: string | undefined;
  /** CONSOLE_OIDC_OPERATORS, in lower case; empty without a provider. */
  private readonly oidcOperators: ReadonlySet<string>;

  constructor(
    private readonly sessions: ConsoleSessions,
    @Inject(REGISTRY_CONFIG) config: RegistryConfig,
  ) {
    this.csrf = new PageCsrf(config.adminSecret, 'console csrf v1');
    this.oidcOperators = new Set(config.console.oidc?.operators ?? []);
    this.adminSecret = config.adminSecret;
    // HttpOnly: no script reads them; Lax, not Strict: Strict would drop the session on the redirect
    // back from an OpenID Provider. Other sites' forms still arrive without them, and every change is a POST.
    this.cookieOptions = { path: '/console', httpOnly: true, sameSite: 'lax', secure: config.portal.cookieSecure };
  }

  /** The operator who holds the admin secret. */
  get adminSecretHolder(): Operator {
    return { id: this.adminSecretOperatorId(), name: 'admin secret holder' };
  }

  /**
   * The operator someone the OpenID Provider signed in is, or null when their (verified) email is not
   * one of CONSOLE_OIDC_OPERATORS: an account at the provider alone makes nobody an operator.
   */
  operatorSignedInAs(identity: VerifiedIdentity): Operator | null {
    if (!this.oidcOperators.has(identity.email.toLowerCase())) return null;
    return { id: `${OIDC_OPERATOR}${identity.subject}`, name: identity.email };
  }

  /** The visit behind the request; someone without a session gets a random cookie for the sign-in form's CSRF token. */
  async identify(req: Request, res: Response): Promise<ConsoleVisit> {
    const cached = (req as ConsoleRequest).consoleVisit;
    if (cached) return cached;
    const cookies = parseCookies(req.headers.cookie ?? '');
    let visit: ConsoleVisit | null = null;
    const session = await this.sessions.find(cookies[CONSOLE_SESSION_COOKIE]);
    if (session && this.stillValid(session.operator)) {
      const binding = `session:${session.idHash}`;
      visit = { operator: session.operator, session, binding, csrf: this.csrf.tokenFor(binding) };
    } else if (session) {
      await this.sessions.end(session);
      this.clear(res, CONSOLE_SESSION_COOKIE);
    } else if (cookies[CONSOLE_SESSION_COOKIE] !== undefined) {
      this.clear(res, CONSOLE_SESSION_COOKIE);
    }
    if (!visit) {
      let anonymous = cookies[CONSOLE_CSRF_COOKIE];
      if (!anonymous || !ANONYMOUS_ID.test(anonymous)) {
        anonymous = randomBytes(32).toString('base64url');
        res.append('Set-Cookie', serializeCookie(CONSOLE_CSRF_COOKIE, anonymous, this.cookieOptions));
      }
      const binding = `anonymous:${anonymous}`;
      visit = { operator: null, session: null, binding, csrf: this.csrf.tokenFor(binding) };
    }
    (req as ConsoleRequest).consoleVisit = visit;
    return visit;
  }

  /** The visit of a signed-in operator, or SignInRequired (the filter sends the browser to sign in). */
  async requireOperator(req: Request, res: Response): Promise<ConsoleVisit & { operator: Operator }> {
    const visit = await this.identify(req, res);
    if (!visit.operator) throw new SignInRequired();
    return visit as ConsoleVisit & { operator: Operator };
  }

  /** The posted form, once its CSRF token is this visitor's (else ConsoleCsrfRejected: a 403 page, nothing done). */
  form(visit: ConsoleVisit, req: Request): Record<string, unknown> {
    const body: unknown = req.body;
    const submitted = body && typeof body === 'object' ? (body as Record<string, unknown>)['_csrf'] : undefined;
    if (!this.csrf.verify(visit.binding, submitted)) throw new ConsoleCsrfRejected();
    return body as Record<string, unknown>;
  }

  /** A new session (a new id: none chosen before sign-in survives it); one the visitor already had ends. */
  async signIn(res: Response, visit: ConsoleVisit, operator: Operator): Promise<void> {
    if (visit.session) await this.sessions.end(visit.session);
    const { id } = await this.sessions.start(operator);
    res.append('Set-Cookie', serializeCookie(CONSOLE_SESSION_COOKIE, id, { ...this.cookieOptions, maxAge: CONSOLE_SESSION_TTL_SECONDS }));
    this.clear(res, CONSOLE_CSRF_COOKIE);
  }

  async signOut(res: Response, visit: ConsoleVisit): Promise<void> {
    if (visit.session) await this.sessions.end(visit.session);
    this.clear(res, CONSOLE_SESSION_COOKIE);
  }

  /**
   * An admin-secret session lasts as long as the secret it was opened with; a provider's, as long as
   * its email (the session's name) is in the list. Anything else is no session of this console.
   */
  private stillValid(operator: Operator): boolean {
    if (operator.id.startsWith(ADMIN_SECRET_OPERATOR)) return operator.id === this.adminSecretOperatorId();
    if (operator.id.startsWith(OIDC_OPERATOR)) return this.oidcOperators.has(operator.name.toLowerCase());
    return false;
  }

  private adminSecretOperatorId(): string {
    this.adminSecretOperator ??= `${ADMIN_SECRET_OPERATOR}${secretFingerprint(this.adminSecret)}`;
    return this.adminSecretOperator;
  }

  private clear(res: Response, name: string): void {
    res.append('Set-Cookie', serializeCookie(name, '', { ...this.cookieOptions, maxAge: 0, expires: new Date(0) }));
  }
}

/**
 * What a session row records of the admin secret it was opened with: enough to tell the secret
 * changed, nothing a copy of the table could be guessed back from cheaply. scrypt (once, at start),
 * not a plain HMAC, because an operator may have chosen a short ADMIN_SECRET.
 */
function secretFingerprint(secret: string): string {
  return scryptSync(secret, 'portcullis console operator v1', 16, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }).toString('base64url');
}
