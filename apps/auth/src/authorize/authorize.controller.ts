import { Controller, Get, Logger, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Issuer } from '../issuer.js';
import { errorPage } from '../pages/error-page.js';
import { loginPage } from '../pages/login-page.js';
import { UsersService } from '../users/users.service.js';
import type { authorizationParameters, RawParameters, ValidAuthorizationRequest } from './authorization-request.js';
import { AuthorizationService, type AuthorizationOutcome } from './authorization.service.js';
import { CSRF_COOKIE, CSRF_FIELD, csrfCookie, CsrfTokens, readCookie } from './csrf.js';
import { redirectNoStore, setPageHeaders } from './page-headers.js';
import { errorForLog } from '@portcullis/logging';

/**
 * The authorization endpoint (RFC 6749 §3.1, §4.1.1; PKCE RFC 7636) with the built-in login and
 * consent page for the users the auth service keeps. GET shows the page; the form POSTs back here.
 */
@Controller('oauth/authorize')
export class AuthorizeController {
  private readonly logger = new Logger(AuthorizeController.name);

  constructor(
    private readonly authorization: AuthorizationService,
    private readonly users: UsersService,
    private readonly csrf: CsrfTokens,
    private readonly issuer: Issuer,
  ) {}

  @Get()
  show(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.asPage(response, () => this.showPage(request, response));
  }

  @Post()
  submit(@Req() request: Request, @Res() response: Response): Promise<void> {
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

  private async showPage(request: Request, response: Response): Promise<void> {
    const outcome = await this.authorization.check(request.query as RawParameters);
    if (!this.proceeds(outcome, response)) return;
    // Keep a still-valid token: a second tab must not invalidate the first one's form.
    const existing = readCookie(request.headers.cookie, CSRF_COOKIE);
    const token = this.csrf.isValid(existing) ? existing : this.csrf.issue();
    // Secure whenever the public address is https, even when TLS ends at a proxy in front of us.
    if (token !== existing) response.setHeader('Set-Cookie', csrfCookie(token, request.secure || this.issuer.value.startsWith('https:')));
    this.renderLogin(response, outcome, token);
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
    if (form.decision === 'deny') return redirectNoStore(response, this.authorization.deny(authorization));
    // Consent is explicit: without the Allow button's value there is no decision to act on.
    if (form.decision !== 'approve') return this.renderLogin(response, outcome, cookieToken as string, { error: 'Choose Allow or Deny.' });

    const username = typeof form.username === 'string' ? form.username : '';
    const login = await this.users.logIn(username, typeof form.password === 'string' ? form.password : '');
    if ('retryAfterSeconds' in login) return this.renderLocked(response, login.retryAfterSeconds);
    if (!('passed' in login)) {
      this.renderLogin(response, outcome, cookieToken as string, { username, error: 'The username or password is incorrect.' });
      return;
    }
    const { redirectTo } = await this.authorization.approve(authorization, login.passed.sub, undefined, new Date());
    redirectNoStore(response, redirectTo);
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
      redirectNoStore(response, this.authorization.errorRedirect(outcome));
      return false;
    }
    return true;
  }

  private renderLogin(
    response: Response,
    outcome: Extract<AuthorizationOutcome, { kind: 'ok' }>,
    csrfToken: string,
    extra: { username?: string; error?: string } = {},
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
    claims: request.claims,
  };
}
