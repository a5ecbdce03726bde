import { Controller, Get, Inject, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PortcullisError } from '@portcullis/errors';
import { parse as parseCookies, serialize as serializeCookie, type SerializeOptions } from 'cookie';
import type { Request, Response } from 'express';
import type { RegistryConfig } from '../../config.js';
import { SIGN_IN_TTL_SECONDS } from '../../portal/oidc/oidc-sign-ins.js';
import { REGISTRY_CONFIG } from '../../registry-config.token.js';
import { ConsoleOidcSignIns } from '../session/console-oidc-sign-ins.js';
import { ConsoleOperators } from '../session/console-operators.js';
import { ConsolePageFilter } from './console-page.filter.js';
import { sendConsolePage } from './console-page-kit.js';
import { safeConsoleNext } from './safe-console-next.js';

/** The browser's half of a sign-in under way: its state, to match the callback's. */
export const CONSOLE_OIDC_STATE_COOKIE = 'console_oidc_state';

const NO_PROVIDER = 'The console has no OpenID Provider to sign in with.';

/**
 * Signing in to the console through its OpenID Provider: the button's address (a link, not a form:
 * the console's `form-action 'self'` would stop a form's redirect to the provider) and the callback,
 * where only a verified email in CONSOLE_OIDC_OPERATORS gets a session.
 */
@ApiExcludeController()
@Controller('console/sign-in/oidc')
@UseFilters(ConsolePageFilter)
export class OidcSignInPagesController {
  private readonly cookieOptions: SerializeOptions;

  constructor(
    private readonly operators: ConsoleOperators,
    private readonly signIns: ConsoleOidcSignIns,
    @Inject(REGISTRY_CONFIG) config: RegistryConfig,
  ) {
    // Only the callback reads it; Lax: it comes along on the provider's top-level redirect back.
    this.cookieOptions = { path: '/console/sign-in/oidc', httpOnly: true, sameSite: 'lax', secure: config.portal.cookieSecure };
  }

  @Get()
  async start(@Query('next') next: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.operators.identify(req, res);
    if (this.signIns.providerName === null) throw new PortcullisError('not_found', NO_PROVIDER);
    const { url, state } = await this.signIns.begin(safeConsoleNext(next));
    res.append('Set-Cookie', serializeCookie(CONSOLE_OIDC_STATE_COOKIE, state, { ...this.cookieOptions, maxAge: SIGN_IN_TTL_SECONDS }));
    res.redirect(303, url);
  }

  @Get('callback')
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    const visit = await this.operators.identify(req, res);
    if (this.signIns.providerName === null) throw new PortcullisError('not_found', NO_PROVIDER);
    const at = req.originalUrl.indexOf('?');
    const search = at < 0 ? '' : req.originalUrl.slice(at);
    const { identity, next } = await this.signIns.complete(search, parseCookies(req.headers.cookie ?? '')[CONSOLE_OIDC_STATE_COOKIE]);
    res.append('Set-Cookie', serializeCookie(CONSOLE_OIDC_STATE_COOKIE, '', { ...this.cookieOptions, maxAge: 0, expires: new Date(0) }));
    const operator = this.operators.operatorSignedInAs(identity);
    if (operator) {
      await this.operators.signIn(res, visit, operator);
      return void res.redirect(303, next);
    }
    const heading = 'You are not an operator here';
    sendConsolePage(res.status(403), visit, 'message', {
      title: heading,
      heading,
      message: `${this.signIns.providerName} signed you in as ${identity.email}, but that address is not one of this console's operators. Ask an operator to add it to CONSOLE_OIDC_OPERATORS.`,
      back: '/console/sign-in',
      backLabel: 'Back to sign-in',
    });
  }
}
