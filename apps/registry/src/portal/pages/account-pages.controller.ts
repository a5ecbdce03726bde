import { Controller, Get, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PortcullisError } from '@portcullis/errors';
import type { Request, Response } from 'express';
import { DeveloperLogins, type LoginRefusal } from '../developers/developer-logins.js';
import { DevelopersService } from '../developers/developers.service.js';
import { field, formProblem, notice, sendPage } from './page-kit.js';
import { PortalPageFilter } from './portal-page.filter.js';
import { PortalVisitors } from './portal-visitors.js';
import { safeNext } from './safe-next.js';

/** A developer's account: sign up, log in and out, a new password through the admin's reset link. */
@ApiExcludeController()
@Controller('portal')
@UseFilters(PortalPageFilter)
export class AccountPagesController {
  constructor(
    private readonly visitors: PortalVisitors,
    private readonly developers: DevelopersService,
    private readonly logins: DeveloperLogins,
  ) {}

  @Get('signup')
  async signUpPage(@Query('next') next: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    sendPage(res, visitor, 'signup', { title: 'Sign up', nav: 'signup', next: safeNext(next, '') });
  }

  @Post('signup')
  async signUp(@Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
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
    sendPage(res, visitor, 'login', { title: 'Log in', nav: 'login', next: safeNext(next, ''), notice: notice(req.query['done']) });
  }

  @Post('login')
  async logIn(@Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
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
    if (!(await this.developers.resetLinkValid(token))) throw resetLinkInvalid();
    sendPage(res, visitor, 'reset', { title: 'Choose a new password', token });
  }

  @Post('reset/:token')
  async reset(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
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
}

function resetLinkInvalid(): PortcullisError {
  return new PortcullisError('not_found', 'This password reset link is not valid: it was used, replaced, or has expired. Ask the administrator for a new one.');
}

const loginRefusalStatus: Record<LoginRefusal['reason'], number> = { wrong: 401, pending: 403, blocked: 403, throttled: 429 };

function loginRefusalMessage(refusal: LoginRefusal): string {
  switch (refusal.reason) {
    case 'wrong':
      return 'The email or password is not right.';
    case 'pending':
      return 'Your account is waiting for an administrator to approve it.';
    case 'blocked':
      return 'Your account has been blocked. Contact the portal administrator.';
    case 'throttled': {
      const minutes = Math.ceil(refusal.retryAfterSeconds / 60);
      return `Too many failed attempts to log in to this account. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or ask the portal administrator for a password reset link.`;
    }
  }
}
