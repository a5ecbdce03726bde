import { Controller, Get, Logger, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Issuer } from '../issuer.js';
import { errorPage } from '../pages/error-page.js';
import { loginPage } from '../pages/login-page.js';
import { Consents, LoginSessions, type LoginSession } from '../sessions/login-sessions.service.js';
import { IdTokenHints } from '../tokens/id-token-hint.js';
import { UsersService } from '../users/users.service.js';
import type { authorizationParameters, RawParameters, ValidAuthorizationRequest } from './authorization-request.js';
import { sendAuthorizationResponse } from './authorization-response.js';
import { AuthorizationService, type AuthorizationOutcome } from './authorization.service.js';
import { CSRF_COOKIE, CSRF_FIELD, csrfCookie, CsrfTokens, readCookie } from './csrf.js';
import { decideInteraction } from './interaction.js';
import { setPageHeaders } from './page-headers.js';
import { readSessionToken, sessionCookie } from './session-cookie.js';
import { errorForLog } from '@portcullis/logging';

type CheckedRequest = Extract<AuthorizationOutcome, { kind: 'ok' }>;

/**
 * The authorization endpoint (RFC 6749 §3.1, §4.1.1; PKCE RFC 7636; OpenID Connect Core §3.1.2) with
 * the built-in login and consent page for the users the auth service keeps. A request arrives by GET
 * or by POST (OIDC Core §3.1.2.1); a live login session and a remembered consent answer it at once,
 * otherwise the page is shown and its form (told apart by its CSRF field) POSTs back here.
 */
@Controller('oauth/authorize')
export class AuthorizeController {
  private readonly logger = new Logger(AuthorizeController.name);

  constructor(
    private readonly authorization: AuthorizationService,
    private readonly users: UsersService,
    private readonly csrf: CsrfTokens,
    private readonly issuer: Issuer,
    private readonly sessions: LoginSessions,
    private readonly consents: Consents,
    private readonly idTokenHints: IdTokenHints,
  ) {}

  @Get()
  show(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.asPage(response, () => this.authorize(request, response, request.query as RawParameters));
  }

  @Post()
  submit(@Req() request: Request, @Res() response: Response): Promise<void> {
    const form = (request.body ?? {}) as RawParameters;
    // Our own form carries its CSRF token, a decision or credentials; a relying party's POSTed request none of them.
    const ownForm = [CSRF_FIELD, 'decision', 'username', 'password'].some((field) => form[field] !== undefined);
    if (!ownForm) {
      // OIDC Core §3.1.2.1: a POSTed request is form-serialised; anything else is not one.
      if (!request.is('application/x-www-form-urlencoded')) {
        setPageHeaders(response);
        response
          .status(415)
          .send(errorPage('Invalid authorization request', 'An authorization request by POST must be an HTML form (application/x-www-form-urlencoded).'));
        return Promise.resolve();
      }
      return this.asPage(response, () => this.authorize(request, response, form));
    }
    return this.asPage(response, () => this.submitForm(request, response));
  }

  /** A person is looking at this endpoint: the unexpected gets a page too (no JSON, no stack; the log has it). */
  private async asPage(response: Response, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.error(errorForLog(error));
      if (response.headersSent) return void response.destroy();
      setPageHeaders(response);
      response.status(500).send(errorPage('Something went wrong', 'Signing in did not work this time. Please go back to the application and try again.'));
    }
  }

  /** Secure whenever the public address is https, even when TLS ends at a proxy in front of us. */
  private secure(request: Request): boolean {
    return request.secure || this.issuer.value.startsWith('https:');
  }

  /** A new authorization request: answered at once when nobody needs to be asked, else the page. */
  private async authorize(request: Request, response: Response, parameters: RawParameters): Promise<void> {
    const outcome = await this.authorization.check(parameters);
    if (!this.proceeds(outcome, response)) return;
    const { request: authorization } = outcome;
    const hint = await this.verifyHint(outcome);
    if (hint === null) {
      // OIDC Core §3.1.2.2: a hint that is not an ID Token of ours (for this client) is an invalid request.
      return sendAuthorizationResponse(
        response,
        this.authorization.refuse(authorization, 'invalid_request', 'The id_token_hint is not a valid ID Token issued by this server to this client.'),
      );
    }
    const session = await this.sessions.find(readSessionToken(request.headers.cookie));
    const consented = session !== null && (await this.consents.covers(session.sub, authorization.clientId, authorization.scope));
    const next = decideInteraction({
      prompt: authorization.oidc.prompt,
      maxAge: authorization.oidc.maxAge,
      session,
      hintSub: hint,
      consented,
      now: Date.now(),
    });
    switch (next.kind) {
      case 'error':
        return sendAuthorizationResponse(response, this.authorization.refuse(authorization, next.error, next.description));
      case 'approve':
        return this.approve(response, outcome, session!);
      case 'login':
      case 'consent': {
        // Keep a still-valid token: a second tab must not invalidate the first one's form.
        const existing = readCookie(request.headers.cookie, CSRF_COOKIE);
        const token = this.csrf.isValid(existing) ? existing : this.csrf.issue();
        if (token !== existing) response.setHeader('Set-Cookie', csrfCookie(token, this.secure(request)));
        return this.renderLogin(response, outcome, token, next.kind === 'consent' ? { signedIn: true } : { username: authorization.oidc.loginHint });
      }
    }
  }

  /** The verified hint's subject; undefined without a hint; null for a hint we refuse. */
  private async verifyHint(outcome: CheckedRequest): Promise<string | undefined | null> {
    const hint = outcome.request.oidc.idTokenHint;
    if (hint === undefined) return undefined;
    const verified = await this.idTokenHints.verify(hint);
    return verified && verified.aud.includes(outcome.client.client_id) ? verified.sub : null;
  }

  /** Issues the code for the session's user and answers the client the way it asked. */
  private async approve(response: Response, outcome: CheckedRequest, session: LoginSession): Promise<void> {
    const { answer } = await this.authorization.approve(outcome.request, session.sub, undefined, session.authTime);
    sendAuthorizationResponse(response, answer);
  }

  private async submitForm(request: Request, response: Response): Promise<void> {
    const form = (request.body ?? {}) as RawParameters;
    const cookieToken = readCookie(request.headers.cookie, CSRF_COOKIE);
    if (!this.csrf.verify(cookieToken, form[CSRF_FIELD])) {
      setPageHeaders(response);
      response
        .status(403)
        .send(errorPage('Request refused', 'This form has expired or was not sent from this site. Go back to the application and start again.'));
      return;
    }
    // The form carries the request; check it again, as if it had just arrived (it may have been altered).
    const outcome = await this.authorization.check(form);
    if (!this.proceeds(outcome, response)) return;
    const { request: authorization } = outcome;
    if (form.decision === 'deny') return sendAuthorizationResponse(response, this.authorization.deny(authorization));
    const signedIn = form.password === undefined;
    // Consent is explicit: without the Allow button's value there is no decision to act on.
    if (form.decision !== 'approve') return this.renderLogin(response, outcome, cookieToken as string, { error: 'Choose Allow or Deny.', signedIn });

    if (signedIn) {
      // The consent-only form: the session must still be good enough for this request (as when the page was shown).
      const session = await this.sessions.find(readSessionToken(request.headers.cookie));
      const hint = await this.verifyHint(outcome);
      const prompt = authorization.oidc.prompt.filter((value) => value !== 'consent');
      const next = decideInteraction({ prompt, maxAge: authorization.oidc.maxAge, session, hintSub: hint ?? undefined, consented: true, now: Date.now() });
      if (next.kind !== 'approve' || hint === null) return this.renderLogin(response, outcome, cookieToken as string);
      await this.consents.grant(session!.sub, authorization.clientId, authorization.scope);
      return this.approve(response, outcome, session!);
    }

    const username = typeof form.username === 'string' ? form.username : '';
    const login = await this.users.logIn(username, typeof form.password === 'string' ? form.password : '');
    if ('retryAfterSeconds' in login) return this.renderLocked(response, login.retryAfterSeconds);
    if (!('passed' in login)) {
      this.renderLogin(response, outcome, cookieToken as string, { username, error: 'The username or password is incorrect.' });
      return;
    }
    // A fresh session for every sign-in (a new token: nothing planted before the login survives it); the old one ends.
    const previous = await this.sessions.find(readSessionToken(request.headers.cookie));
    if (previous) await this.sessions.end(previous);
    const { token, session } = await this.sessions.start(login.passed.sub, ['pwd']);
    response.append('Set-Cookie', sessionCookie(token, this.sessions.ttlSeconds, this.secure(request)));
    // Allow on the login page is the user's consent to these scopes for this client.
    await this.consents.grant(session.sub, authorization.clientId, authorization.scope);
    await this.approve(response, outcome, session);
  }

  /** Too many failed logins for this username: RFC 6585 §4, with how long to wait (RFC 9110 §10.2.3). */
  private renderLocked(response: Response, retryAfterSeconds: number): void {
    setPageHeaders(response);
    response.setHeader('Retry-After', String(retryAfterSeconds));
    const wait = retryAfterSeconds < 120 ? `${retryAfterSeconds} seconds` : `${Math.ceil(retryAfterSeconds / 60)} minutes`;
    response
      .status(429)
      .send(
        errorPage('Too many attempts', `Signing in with this username failed too many times. Wait ${wait}, then go back to the application and try again.`),
      );
  }

  /** Answers the errors (page or redirect); true when the request may go on. */
  private proceeds(outcome: AuthorizationOutcome, response: Response): outcome is Extract<AuthorizationOutcome, { kind: 'ok' }> {
    if (outcome.kind === 'page') {
      setPageHeaders(response);
      response.status(outcome.status).send(errorPage('Invalid authorization request', outcome.message));
      return false;
    }
    if (outcome.kind === 'redirect') {
      sendAuthorizationResponse(response, this.authorization.errorResponse(outcome));
      return false;
    }
    return true;
  }

  private renderLogin(
    response: Response,
    outcome: Extract<AuthorizationOutcome, { kind: 'ok' }>,
    csrfToken: string,
    extra: { username?: string; error?: string; signedIn?: boolean } = {},
  ): void {
    setPageHeaders(response, outcome.request.redirectUri);
    response.status(200).send(
      loginPage({
        clientName: outcome.client.client_name ?? outcome.client.client_id,
        scopes: outcome.request.scope.split(' ').filter(Boolean),
        hidden: hiddenFields(outcome.request),
        csrfToken,
        csrfField: CSRF_FIELD,
        ...extra,
      }),
    );
  }
}

/** The checked request, as the parameters the form sends back. */
function hiddenFields(request: ValidAuthorizationRequest): Record<(typeof authorizationParameters)[number], string | undefined> {
  return {
    response_type: 'code',
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    scope: request.scope,
    state: request.state,
    code_challenge: request.codeChallenge,
    code_challenge_method: request.codeChallengeMethod,
    nonce: request.nonce,
    response_mode: request.oidc.responseMode === 'query' ? undefined : request.oidc.responseMode,
    prompt: request.oidc.prompt.length > 0 ? request.oidc.prompt.join(' ') : undefined,
    max_age: request.oidc.maxAge === undefined ? undefined : String(request.oidc.maxAge),
    id_token_hint: request.oidc.idTokenHint,
    login_hint: request.oidc.loginHint,
    ui_locales: request.oidc.uiLocales,
    claims_locales: request.oidc.claimsLocales,
    display: request.oidc.display,
    acr_values: request.oidc.acrValues,
    claims: request.claims,
  };
}
