import { Controller, Get, Inject, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PortcullisError } from '@portcullis/errors';
import type { Request, Response } from 'express';
import type { RegistryConfig } from '../../config.js';
import { REGISTRY_CONFIG } from '../../registry-config.token.js';
import { DeveloperLogins } from '../developers/developer-logins.js';
import { DevelopersService } from '../developers/developers.service.js';
import { PortalOidcSignIns } from '../oidc/portal-oidc-sign-ins.js';
import { loginRefusalMessage, loginRefusalStatus } from './login-refusals.js';
import { field, formProblem, notice, sendPage } from './page-kit.js';
import { PortalPageFilter } from './portal-page.filter.js';
import { PortalVisitors, type Visitor } from './portal-visitors.js';
import { safeNext } from './safe-next.js';

/**
 * A developer's account: sign up, log in and out, a new password through the admin's reset link. The
 * login page offers the OpenID Provider too, when the portal has one; with PORTAL_PASSWORD_LOGIN=false
 * it offers only that, and every password address answers that passwords are off.
 */
@ApiExcludeController()
@Controller('portal')
@UseFilters(PortalPageFilter)
export class AccountPagesController {
  constructor(
    private readonly visitors: PortalVisitors,
    private readonly developers: DevelopersService,
    private readonly logins: DeveloperLogins,
    private readonly signIns: PortalOidcSignIns,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
  ) {}

  @Get('signup')
  async signUpPage(@Query('next') next: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    if (this.passwordsOff(res, visitor)) return;
    sendPage(res, visitor, 'signup', { title: 'Sign up', nav: 'signup', next: safeNext(next, '') });
  }

  @Post('signup')
  async signUp(@Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    if (this.passwordsOff(res, visitor)) return;
    const form = this.visitors.form(visitor, req);
    const email = field(form, 'email');
    const next = safeNext(form['next'], '');
    try {
      // The same answer for a new email and a taken one (issue 11): the notice covers both.
      const status = await this.developers.signUpQuietly(email, field(form, 'password'));
      const done = status === 'pending' ? 'signed-up-pending' : 'signed-up';
      res.redirect(303, `/portal/login?done=${done}${next ? `&next=${encodeURIComponent(next)}` : ''}`);
    } catch (error) {
      const problem = formProblem(error);
      sendPage(res.status(problem.status), visitor, 'signup', { title: 'Sign up', nav: 'signup', email, next, ...problem });
    }
  }

  @Get('login')
  async logInPage(@Query('next') next: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    if (visitor.developer) return void res.redirect(303, safeNext(next));
    sendPage(res, visitor, 'login', { ...this.loginChoices(), title: 'Log in', nav: 'login', next: safeNext(next, ''), notice: notice(req.query['done']) });
  }

  @Post('login')
  async logIn(@Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    if (this.passwordsOff(res, visitor)) return;
    const form = this.visitors.form(visitor, req);
    const email = field(form, 'email');
    const outcome = await this.logins.logIn(email, field(form, 'password'));
    if ('developer' in outcome) {
      await this.visitors.logIn(res, visitor, outcome.developer);
      return void res.redirect(303, safeNext(form['next']));
    }
    const refusal = outcome.refused;
    if (refusal.reason === 'throttled') res.setHeader('retry-after', String(refusal.retryAfterSeconds));
    sendPage(res.status(loginRefusalStatus[refusal.reason]), visitor, 'login', {
      ...this.loginChoices(),
      title: 'Log in',
      nav: 'login',
      email,
      next: safeNext(form['next'], ''),
      error: loginRefusalMessage(refusal),
    });
  }

  @Post('logout')
  async logOut(@Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    // A session that already ended (expired, or logged out in another tab) has nothing to protect.
    if (visitor.session) this.visitors.form(visitor, req);
    await this.visitors.logOut(res, visitor);
    res.redirect(303, '/portal?done=logged-out');
  }

  @Get('reset/:token')
  async resetPage(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    if (this.passwordsOff(res, visitor)) return;
    if (!(await this.developers.resetLinkValid(token))) throw resetLinkInvalid();
    sendPage(res, visitor, 'reset', { title: 'Choose a new password', token });
  }

  @Post('reset/:token')
  async reset(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    if (this.passwordsOff(res, visitor)) return;
    const form = this.visitors.form(visitor, req);
    try {
      const developer = await this.developers.resetPassword(token, field(form, 'password'));
      // Whoever else held a session (the reason for the reset, perhaps) is logged out; a lock from
      // someone else's guesses ends.
      await this.visitors.endAllFor(developer.id);
      await this.logins.passwordReset(developer);
      await this.visitors.logOut(res, visitor);
      res.redirect(303, '/portal/login?done=password-reset');
    } catch (error) {
      const problem = formProblem(error);
      if (problem.status === 404) throw error;
      sendPage(res.status(problem.status), visitor, 'reset', { title: 'Choose a new password', token, ...problem });
    }
  }

  /** What the login page offers: the provider's button (with its name), the password form, or both. */
  private loginChoices(): { oidcName: string | null; passwordLogin: boolean } {
    return { oidcName: this.signIns.providerName, passwordLogin: this.config.portal.passwordLogin };
  }

  /**
   * With PORTAL_PASSWORD_LOGIN=false, the page saying so (404: nothing is done at these addresses
   * here, and no password is ever checked) and true; else false, and the handler goes on.
   */
  private passwordsOff(res: Response, visitor: Visitor): boolean {
    if (this.config.portal.passwordLogin) return false;
    const name = this.signIns.providerName ?? 'the OpenID Provider';
    sendPage(res.status(404), visitor, 'message', {
      title: 'Password sign-in is off',
      heading: 'Password sign-in is off',
      message: `This portal signs developers in with ${name} only: there are no portal passwords to log in, sign up or reset with. Your account is made the first time you sign in.`,
      back: '/portal/login',
      backLabel: `Sign in with ${name}`,
    });
    return true;
  }
}

function resetLinkInvalid(): PortcullisError {
  return new PortcullisError('not_found', 'This password reset link is not valid: it was used, replaced, or has expired. Ask the administrator for a new one.');
}
