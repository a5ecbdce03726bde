import { Controller, Get, Inject, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PortcullisError } from '@portcullis/errors';
import { parse as parseCookies, serialize as serializeCookie, type SerializeOptions } from 'cookie';
import type { Request, Response } from 'express';
import type { RegistryConfig } from '../../config.js';
import { REGISTRY_CONFIG } from '../../registry-config.token.js';
import { DeveloperLogins } from '../developers/developer-logins.js';
import { SIGN_IN_TTL_SECONDS } from '../oidc/oidc-sign-ins.js';
import { PortalOidcSignIns } from '../oidc/portal-oidc-sign-ins.js';
import { loginRefusalMessage, loginRefusalStatus } from './login-refusals.js';
import { sendPage } from './page-kit.js';
import { PortalPageFilter } from './portal-page.filter.js';
import { PortalVisitors } from './portal-visitors.js';
import { safeNext } from './safe-next.js';

/** The browser's half of a sign-in under way: its state, to match the callback's. */
export const OIDC_STATE_COOKIE = 'portal_oidc_state';

/**
 * Signing in through the OpenID Provider: the button's address (a link, not a form: the portal's
 * `form-action 'self'` would stop a form's redirect to the provider) and the callback.
 */
@ApiExcludeController()
@Controller('portal/login/oidc')
@UseFilters(PortalPageFilter)
export class OidcPagesController {
  private readonly cookieOptions: SerializeOptions;

  constructor(
    private readonly visitors: PortalVisitors,
    private readonly signIns: PortalOidcSignIns,
    private readonly logins: DeveloperLogins,
    @Inject(REGISTRY_CONFIG) config: RegistryConfig,
  ) {
    // Only the callback reads it; Lax: it comes along on the provider's top-level redirect back.
    this.cookieOptions = { path: '/portal/login/oidc', httpOnly: true, sameSite: 'lax', secure: config.portal.cookieSecure };
  }

  @Get()
  async start(@Query('next') next: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.visitors.identify(req, res);
    if (this.signIns.providerName === null) throw new PortcullisError('not_found', 'This portal has no OpenID Provider to sign in with.');
    const { url, state } = await this.signIns.begin(safeNext(next));
    res.append('Set-Cookie', serializeCookie(OIDC_STATE_COOKIE, state, { ...this.cookieOptions, maxAge: SIGN_IN_TTL_SECONDS }));
    res.redirect(303, url);
  }

  @Get('callback')
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    if (this.signIns.providerName === null) throw new PortcullisError('not_found', 'This portal has no OpenID Provider to sign in with.');
    const at = req.originalUrl.indexOf('?');
    const search = at < 0 ? '' : req.originalUrl.slice(at);
    const { identity, next } = await this.signIns.complete(search, parseCookies(req.headers.cookie ?? '')[OIDC_STATE_COOKIE]);
    const outcome = await this.logins.withVerifiedEmail(identity.email);
    res.append('Set-Cookie', serializeCookie(OIDC_STATE_COOKIE, '', { ...this.cookieOptions, maxAge: 0, expires: new Date(0) }));
    if ('developer' in outcome) {
      await this.visitors.logIn(res, visitor, outcome.developer);
      return void res.redirect(303, next);
    }
    const heading = 'You are not signed in';
    sendPage(res.status(loginRefusalStatus[outcome.refused.reason]), visitor, 'message', {
      title: heading,
      heading,
      message: loginRefusalMessage(outcome.refused),
    });
  }
}
