import { Inject, Injectable } from '@nestjs/common';
import { PortcullisError } from '@portcullis/errors';
import { parse as parseCookies, serialize as serializeCookie, type SerializeOptions } from 'cookie';
import type { Request, Response } from 'express';
import { randomBytes } from 'node:crypto';
import type { RegistryConfig } from '../../config.js';
import { REGISTRY_CONFIG } from '../../registry-config.token.js';
import { DevelopersService } from '../developers/developers.service.js';
import type { Developer } from '../portal-types.js';
import { PageCsrf } from '../../http/page-csrf.js';
import { PortalSessions, SESSION_TTL_SECONDS, type PortalSession } from './portal-sessions.js';

export const SESSION_COOKIE = 'portal_session';
export const CSRF_COOKIE = 'portal_csrf';
const ANONYMOUS_ID = /^[A-Za-z0-9_-]{43}$/;

/** Who is asking: a logged-in developer (with their session) or not, and the CSRF token for their forms. */
export interface Visitor {
  developer: Developer | null;
  session: PortalSession | null;
  csrf: string;
  /** What the CSRF token is bound to. */
  binding: string;
}

type PortalRequest = Request & { portalVisitor?: Visitor };

/** The visitor as already identified for this request (for error pages), if the handler got that far. */
export function identifiedVisitor(req: Request): Visitor | undefined {
  return (req as PortalRequest).portalVisitor;
}

/** Thrown when a form's CSRF token is missing or not this visitor's: a 403 page, nothing changed. */
export class CsrfRejected extends Error {}

/** The developer's session and CSRF state, read from and written to the request's cookies. */
@Injectable()
export class PortalVisitors {
  private readonly csrf: PageCsrf;
  private readonly cookieOptions: SerializeOptions;

  constructor(
    private readonly sessions: PortalSessions,
    private readonly developers: DevelopersService,
    @Inject(REGISTRY_CONFIG) config: RegistryConfig,
  ) {
    this.csrf = new PageCsrf(config.adminSecret, 'portal csrf v1');
    // HttpOnly: no script reads them; Lax: other sites' forms and fetches arrive without them.
    this.cookieOptions = { path: '/portal', httpOnly: true, sameSite: 'lax', secure: config.portal.cookieSecure };
  }

  /**
   * The visitor behind the request. A session whose developer was blocked or deleted since is ended
   * here, so blocking shuts a developer out at their next click. Someone without a session gets a
   * random cookie of their own for the login and sign-up forms' CSRF tokens.
   */
  async identify(req: Request, res: Response): Promise<Visitor> {
    const cached = (req as PortalRequest).portalVisitor;
    if (cached) return cached;
    const cookies = parseCookies(req.headers.cookie ?? '');
    let visitor: Visitor | null = null;
    const session = await this.sessions.find(cookies[SESSION_COOKIE]);
    if (session) {
      // Only "no such developer" ends the sessions; a database that failed just now is the page's 500.
      const developer = await this.developers.get(session.developerId).catch((error: unknown) => {
        if (error instanceof PortcullisError && error.code === 'not_found') return null;
        throw error;
      });
      if (developer?.status === 'active') {
        const binding = `session:${session.idHash}`;
        visitor = { developer, session, binding, csrf: this.csrf.tokenFor(binding) };
      } else {
        await this.sessions.endAllFor(session.developerId);
        this.clear(res, SESSION_COOKIE);
      }
    } else if (cookies[SESSION_COOKIE] !== undefined) {
      this.clear(res, SESSION_COOKIE);
    }
    if (!visitor) {
      let anonymous = cookies[CSRF_COOKIE];
      if (!anonymous || !ANONYMOUS_ID.test(anonymous)) {
        anonymous = randomBytes(32).toString('base64url');
        res.append('Set-Cookie', serializeCookie(CSRF_COOKIE, anonymous, this.cookieOptions));
      }
      const binding = `anonymous:${anonymous}`;
      visitor = { developer: null, session: null, binding, csrf: this.csrf.tokenFor(binding) };
    }
    (req as PortalRequest).portalVisitor = visitor;
    return visitor;
  }

  /** The posted form, once its CSRF token is this visitor's (else CsrfRejected: a 403 page, nothing done). */
  form(visitor: Visitor, req: Request): Record<string, unknown> {
    const body: unknown = req.body;
    const submitted = body && typeof body === 'object' ? (body as Record<string, unknown>)['_csrf'] : undefined;
    if (!this.csrf.verify(visitor.binding, submitted)) throw new CsrfRejected();
    return body as Record<string, unknown>;
  }

  /** A new session (a new id: none chosen before login survives it); one the visitor already had ends. */
  async logIn(res: Response, visitor: Visitor, developer: Developer): Promise<void> {
    if (visitor.session) await this.sessions.end(visitor.session);
    const { id } = await this.sessions.start(developer.id);
    res.append('Set-Cookie', serializeCookie(SESSION_COOKIE, id, { ...this.cookieOptions, maxAge: SESSION_TTL_SECONDS }));
    // The pre-login cookie has done its job; its tokens are no good once logged in.
    this.clear(res, CSRF_COOKIE);
  }

  async logOut(res: Response, visitor: Visitor): Promise<void> {
    if (visitor.session) await this.sessions.end(visitor.session);
    this.clear(res, SESSION_COOKIE);
  }

  endAllFor(developerId: string): Promise<void> {
    return this.sessions.endAllFor(developerId);
  }

  private clear(res: Response, name: string): void {
    res.append('Set-Cookie', serializeCookie(name, '', { ...this.cookieOptions, maxAge: 0, expires: new Date(0) }));
  }
}
