import { Controller, Get, Header, Inject, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { secretsMatch } from '@portcullis/http';
import type { Request, Response } from 'express';
import type { RegistryConfig } from '../../config.js';
import { REGISTRY_CONFIG } from '../../registry-config.token.js';
import { ConsoleOidcSignIns } from '../session/console-oidc-sign-ins.js';
import { ConsoleOperators } from '../session/console-operators.js';
import { ConsoleSignInThrottle } from '../storage/console-sign-in-throttle.js';
import { consoleCss } from './console-css.js';
import { ConsolePageFilter } from './console-page.filter.js';
import { consoleNotice, formField, sendConsolePage } from './console-page-kit.js';
import { safeConsoleNext } from './safe-console-next.js';

/** Signing in to the console with the admin secret, signing out, and the console's stylesheet. */
@ApiExcludeController()
@Controller('console')
@UseFilters(ConsolePageFilter)
export class SignInPagesController {
  constructor(
    private readonly operators: ConsoleOperators,
    private readonly throttle: ConsoleSignInThrottle,
    private readonly oidc: ConsoleOidcSignIns,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
  ) {}

  @Get('static/console.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  // The stylesheet holds nothing private; the pages' no-store does not apply to it.
  @Header('Cache-Control', 'public, max-age=300')
  stylesheet(): string {
    return consoleCss;
  }

  @Get('sign-in')
  async signInPage(@Query('next') next: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visit = await this.operators.identify(req, res);
    if (visit.operator) return void res.redirect(303, safeConsoleNext(next));
    sendConsolePage(res, visit, 'sign-in', {
      title: 'Sign in',
      next: safeConsoleNext(next, ''),
      notice: consoleNotice(req.query['done']),
      oidcName: this.oidcName,
    });
  }

  @Post('sign-in')
  async signIn(@Req() req: Request, @Res() res: Response): Promise<void> {
    const visit = await this.operators.identify(req, res);
    const form = this.operators.form(visit, req);
    const next = safeConsoleNext(formField(form, 'next'));
    const presented = formField(form, 'secret');
    // Per client address: one admin secret, and a lock on it would shut every operator out.
    const outcome = await this.throttle.guardCheapCheck(`address:${req.ip ?? 'unknown'}`, () =>
      secretsMatch(presented, this.config.adminSecret) ? true : null,
    );
    if ('passed' in outcome) {
      await this.operators.signIn(res, visit, this.operators.adminSecretHolder);
      return void res.redirect(303, next);
    }
    const locked = 'retryAfterSeconds' in outcome;
    if (locked) res.setHeader('Retry-After', String(outcome.retryAfterSeconds));
    sendConsolePage(res.status(locked ? 429 : 401), visit, 'sign-in', {
      title: 'Sign in',
      next: safeConsoleNext(formField(form, 'next'), ''),
      oidcName: this.oidcName,
      error: locked
        ? `Too many wrong secrets from this address. Try again in ${Math.ceil(outcome.retryAfterSeconds / 60)} minute(s).`
        : 'That is not the admin secret.',
    });
  }

  @Post('sign-out')
  async signOut(@Req() req: Request, @Res() res: Response): Promise<void> {
    const visit = await this.operators.identify(req, res);
    this.operators.form(visit, req);
    await this.operators.signOut(res, visit);
    res.redirect(303, '/console/sign-in?done=signed-out');
  }

  /** The OpenID Provider's name when the console has one (sign-in through it: OidcSignInPagesController). */
  private get oidcName(): string | null {
    return this.oidc.providerName;
  }
}
