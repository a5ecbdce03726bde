import { Controller, Get, Logger, Post, Req, Res } from '@nestjs/common';
import { errorForLog } from '@portcullis/logging';
import type { Request, Response } from 'express';
import { redirectWith, type RawParameters } from '../authorize/authorization-request.js';
import { CSRF_COOKIE, CSRF_FIELD, csrfCookie, CsrfTokens, readCookie } from '../authorize/csrf.js';
import { redirectNoStore, setPageHeaders } from '../authorize/page-headers.js';
import { clearedSessionCookie, readSessionToken } from '../authorize/session-cookie.js';
import { ClientsService } from '../clients/clients.service.js';
import { Issuer } from '../issuer.js';
import { errorPage } from '../pages/error-page.js';
import { logoutConfirmPage, signedOutPage } from '../pages/signed-out-page.js';
import { LoginSessions } from '../sessions/login-sessions.service.js';
import { IdTokenHints } from '../tokens/id-token-hint.js';
import { readLogoutParameters, type LogoutParameters } from './logout-request.js';

/**
 * The end_session_endpoint (OpenID Connect RP-Initiated Logout 1.0): ends the login session at the
 * auth service and sends the user back to the client's registered post-logout URI, or shows a page.
 * Without an id_token_hint nobody vouches for the request, so the user confirms (CSRF protected).
 */
@Controller('oauth/logout')
export class LogoutController {
  private readonly logger = new Logger(LogoutController.name);

  constructor(
    private readonly clients: ClientsService,
    private readonly sessions: LoginSessions,
    private readonly idTokenHints: IdTokenHints,
    private readonly csrf: CsrfTokens,
    private readonly issuer: Issuer,
  ) {}

  @Get()
  start(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.asPage(response, () => this.logout(request, response, request.query as RawParameters, false));
  }

  @Post()
  submit(@Req() request: Request, @Res() response: Response): Promise<void> {
    const form = (request.body ?? {}) as RawParameters;
    // The confirmation form carries its CSRF token and its button; a relying party's POSTed logout request neither.
    if (form[CSRF_FIELD] === undefined && form.logout === undefined) return this.asPage(response, () => this.logout(request, response, form, false));
    if (!this.csrf.verify(readCookie(request.headers.cookie, CSRF_COOKIE), form[CSRF_FIELD]) || form.logout !== 'yes') {
      this.page(response, 403, errorPage('Request refused', 'This form has expired or was not sent from this site.'));
      return Promise.resolve();
    }
    return this.asPage(response, () => this.logout(request, response, form, true));
  }

  private async logout(request: Request, response: Response, raw: RawParameters, confirmed: boolean): Promise<void> {
    const read = readLogoutParameters(raw);
    if (!read.ok) return this.refuse(response, `The ${read.field} parameter is repeated or not valid.`);
    const parameters = read.value;

    let hintSub: string | undefined;
    let clientId = parameters.client_id;
    if (parameters.id_token_hint !== undefined) {
      const hint = await this.idTokenHints.verify(parameters.id_token_hint);
      if (!hint) return this.refuse(response, 'The id_token_hint is not a valid ID Token issued by this server.');
      if (clientId !== undefined && !hint.aud.includes(clientId)) return this.refuse(response, 'The id_token_hint was not issued to this client_id.');
      clientId ??= hint.aud.length === 1 ? hint.aud[0] : undefined;
      hintSub = hint.sub;
    }

    let redirectTo: string | undefined;
    if (parameters.post_logout_redirect_uri !== undefined) {
      // §3.1: matched exactly against the URIs this client registered; which client must be known.
      if (clientId === undefined) return this.refuse(response, 'A post_logout_redirect_uri needs an id_token_hint or a client_id.');
      const client = await this.clients.findForAuthentication(clientId);
      if (!client || !(client.post_logout_redirect_uris ?? []).includes(parameters.post_logout_redirect_uri))
        return this.refuse(response, 'The post_logout_redirect_uri is not registered for this client.');
      redirectTo = redirectWith(parameters.post_logout_redirect_uri, { state: parameters.state });
    }

    const session = await this.sessions.find(readSessionToken(request.headers.cookie));
    // Nobody vouches for a request without a hint, or with a hint about someone else: the user decides.
    if (!confirmed && session !== null && (hintSub === undefined || hintSub !== session.sub)) return this.confirm(request, response, parameters);
    if (session) await this.sessions.end(session);
    response.setHeader('Set-Cookie', clearedSessionCookie(this.secure(request)));
    if (redirectTo !== undefined) return redirectNoStore(response, redirectTo);
    this.page(response, 200, signedOutPage());
  }

  private confirm(request: Request, response: Response, parameters: LogoutParameters): void {
    const existing = readCookie(request.headers.cookie, CSRF_COOKIE);
    const token = this.csrf.isValid(existing) ? existing : this.csrf.issue();
    if (token !== existing) response.setHeader('Set-Cookie', csrfCookie(token, this.secure(request)));
    this.page(response, 200, logoutConfirmPage({ hidden: { ...parameters }, csrfToken: token, csrfField: CSRF_FIELD }), parameters.post_logout_redirect_uri);
  }

  private secure(request: Request): boolean {
    return request.secure || this.issuer.value.startsWith('https:');
  }

  private refuse(response: Response, message: string): void {
    this.page(response, 400, errorPage('Invalid logout request', message));
  }

  private page(response: Response, status: number, body: string, redirectUri?: string): void {
    setPageHeaders(response, redirectUri);
    response.status(status).send(body);
  }

  private async asPage(response: Response, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.error(errorForLog(error));
      if (response.headersSent) return void response.destroy();
      this.page(response, 500, errorPage('Something went wrong', 'Signing out did not work this time. Please try again.'));
    }
  }
}
