import { Controller, Get, Inject, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { errorCatalogue, PortcullisError, type ErrorDetail } from '@portcullis/errors';
import type { Request, Response } from 'express';
import type { RegistryConfig } from '../../config.js';
import { REGISTRY_CONFIG } from '../../registry-config.token.js';
import { ApiStore } from '../../storage/api-store.js';
import { AppsService } from '../apps/apps.service.js';
import { gatewayTokenEndpoint } from '../apps/credential-kind.js';
import { CatalogueService } from '../catalogue/catalogue.service.js';
import { DevelopersService } from '../developers/developers.service.js';
import type { CatalogueEntry, IssuedCredentials } from '../portal-types.js';
import { credentialView, exampleWithPlaceholders, secretNoun } from './credential-view.js';
import { renderMarkdown } from './markdown.js';
import { summariseOpenApi } from './openapi-summary.js';
import { portalCss } from './portal-css.js';
import { portalJs } from './portal-js.js';
import { PortalPageFilter } from './portal-page.filter.js';
import { renderView, type PageFrame, type ViewName } from './portal-views.js';
import { safeNext } from './safe-next.js';
import { PortalVisitors, type Visitor } from './portal-visitors.js';

type Form = Record<string, unknown>;

/**
 * The developer portal's pages (server-rendered; every form posts with a CSRF token and works
 * without JavaScript). Failures of the services below become pages in PortalPageFilter.
 */
// Pages for browsers, not part of the admin API's OpenAPI document.
@ApiExcludeController()
@Controller('portal')
@UseFilters(PortalPageFilter)
export class PortalPagesController {
  constructor(
    private readonly visitors: PortalVisitors,
    private readonly developers: DevelopersService,
    private readonly catalogue: CatalogueService,
    private readonly apps: AppsService,
    private readonly apis: ApiStore,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
  ) {}

  @Get('static/portal.css')
  stylesheet(@Res() res: Response): void {
    res.set('Cache-Control', 'public, max-age=3600').type('text/css').send(portalCss);
  }

  @Get('static/portal.js')
  script(@Res() res: Response): void {
    res.set('Cache-Control', 'public, max-age=3600').type('text/javascript').send(portalJs);
  }

  @Get()
  async cataloguePage(@Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    const entries = await this.catalogue.listPublished();
    this.page(res, visitor, 'catalogue', { title: 'APIs', nav: 'catalogue', entries, notice: notice(req.query['done']) });
  }

  @Get('apis/:entryId')
  async apiPage(@Param('entryId') entryId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    const entry = await this.catalogue.getPublished(entryId);
    this.page(res, visitor, 'api', {
      title: entry.name,
      nav: 'catalogue',
      entry,
      baseUrl: await this.baseUrl(entry),
      documentation: entry.documentation ? renderMarkdown(entry.documentation) : '',
      openapi: entry.openapi ? summariseOpenApi(entry.openapi) : null,
    });
  }

  @Get('apis/:entryId/openapi.json')
  async openapi(@Param('entryId') entryId: string, @Res() res: Response): Promise<void> {
    const entry = await this.catalogue.getPublished(entryId);
    if (!entry.openapi) throw new PortcullisError('not_found', 'This API has no OpenAPI document');
    res.set('Content-Disposition', 'inline; filename="openapi.json"').json(entry.openapi);
  }

  @Get('signup')
  async signUpPage(@Query('next') next: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    this.page(res, visitor, 'signup', { title: 'Sign up', nav: 'signup', next: safeNext(next, '') });
  }

  @Post('signup')
  async signUp(@Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    const form = this.form(visitor, req);
    const email = field(form, 'email');
    const next = safeNext(form['next'], '');
    try {
      const developer = await this.developers.signUp(email, field(form, 'password'));
      const done = developer.status === 'pending' ? 'signed-up-pending' : 'signed-up';
      res.redirect(303, `/portal/login?done=${done}${next ? `&next=${encodeURIComponent(next)}` : ''}`);
    } catch (error) {
      const problem = formProblem(error);
      this.page(res.status(problem.status), visitor, 'signup', { title: 'Sign up', nav: 'signup', email, next, ...problem });
    }
  }

  @Get('login')
  async logInPage(@Query('next') next: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    if (visitor.developer) return void res.redirect(303, safeNext(next));
    this.page(res, visitor, 'login', { title: 'Log in', nav: 'login', next: safeNext(next, ''), notice: notice(req.query['done']) });
  }

  @Post('login')
  async logIn(@Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    const form = this.form(visitor, req);
    const email = field(form, 'email');
    const developer = await this.developers.authenticate(email, field(form, 'password'));
    if (developer) {
      await this.visitors.logIn(res, developer);
      return void res.redirect(303, safeNext(form['next']));
    }
    // Sign-up already says whether an email has an account, so saying why one cannot log in tells no more.
    const known = await this.developers.findByEmail(email);
    const error =
      known?.status === 'pending'
        ? 'Your account is waiting for an administrator to approve it.'
        : known?.status === 'blocked'
          ? 'Your account has been blocked. Contact the portal administrator.'
          : 'The email or password is not right.';
    this.page(res.status(known && known.status !== 'active' ? 403 : 401), visitor, 'login', { title: 'Log in', nav: 'login', email, next: safeNext(form['next'], ''), error });
  }

  @Post('logout')
  async logOut(@Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    // A session that already ended (expired, or logged out in another tab) has nothing to protect.
    if (visitor.session) this.form(visitor, req);
    await this.visitors.logOut(res, visitor);
    res.redirect(303, '/portal?done=logged-out');
  }

  @Get('reset/:token')
  async resetPage(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    if (!(await this.developers.resetLinkValid(token))) throw resetLinkInvalid();
    this.page(res, visitor, 'reset', { title: 'Choose a new password', token });
  }

  @Post('reset/:token')
  async reset(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    const form = this.form(visitor, req);
    try {
      const developer = await this.developers.resetPassword(token, field(form, 'password'));
      // Whoever else held a session (the reason for the reset, perhaps) is logged out.
      await this.visitors.endAllFor(developer.id);
      await this.visitors.logOut(res, visitor);
      res.redirect(303, '/portal/login?done=password-reset');
    } catch (error) {
      const problem = formProblem(error);
      if (problem.status === 404) throw error;
      this.page(res.status(problem.status), visitor, 'reset', { title: 'Choose a new password', token, ...problem });
    }
  }

  @Get('apps')
  async appsPage(@Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    if (!visitor.developer) return this.toLogin(req, res);
    const [apps, entries] = await Promise.all([this.apps.list(visitor.developer.id), this.catalogue.list()]);
    const names = new Map(entries.map((entry) => [entry.id, entry.name]));
    this.page(res, visitor, 'apps', {
      title: 'My apps',
      nav: 'apps',
      apps: apps.map((app) => ({ ...app, entryName: names.get(app.entry_id) ?? '(withdrawn)' })),
      notice: notice(req.query['done']),
    });
  }

  @Get('apps/new')
  async newAppPage(@Query('entry') entryId: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    if (!visitor.developer) return this.toLogin(req, res);
    const entries = await this.catalogue.listPublished();
    this.page(res, visitor, 'app-new', { title: 'Create an app', nav: 'apps', entries, entryId: typeof entryId === 'string' ? entryId : '' });
  }

  @Post('apps')
  async createApp(@Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    if (!visitor.developer) return this.toLogin(req, res);
    const form = this.form(visitor, req);
    const input = { entry_id: field(form, 'entry_id'), name: field(form, 'name').trim() };
    const problems: ErrorDetail[] = [];
    if (input.name === '') problems.push({ field: 'name', message: 'is required' });
    if (input.entry_id === '') problems.push({ field: 'entry_id', message: 'is required' });
    let issued: IssuedCredentials;
    try {
      if (problems.length > 0) throw new PortcullisError('validation_failed', undefined, problems);
      issued = await this.apps.create(visitor.developer.id, input);
    } catch (error) {
      const problem = formProblem(error);
      const entries = await this.catalogue.listPublished();
      return this.page(res.status(problem.status), visitor, 'app-new', { title: 'Create an app', nav: 'apps', entries, entryId: input.entry_id, name: input.name, ...problem });
    }
    this.credentialsPage(res.status(201), visitor, issued, false);
  }

  @Get('apps/:appId')
  async appPage(@Param('appId') appId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    if (!visitor.developer) return this.toLogin(req, res);
    const app = await this.apps.get(visitor.developer.id, appId);
    const entry = await this.catalogue.get(app.entry_id).catch(() => null);
    const api = entry ? await this.apis.get(entry.api_id) : null;
    const example = api
      ? exampleWithPlaceholders(
          app,
          `${this.config.portal.gatewayPublicUrl}${api.proxy.listen_path}`,
          app.kind === 'oauth_client' ? gatewayTokenEndpoint(this.config.portal.gatewayPublicUrl, api.proxy.listen_path) : null,
        )
      : null;
    this.page(res, visitor, 'app', {
      title: app.name,
      nav: 'apps',
      app,
      entryName: entry?.name ?? '(withdrawn)',
      entryId: entry?.published ? entry.id : null,
      secretNoun: secretNoun(app.kind),
      example,
    });
  }

  @Post('apps/:appId/rotate')
  async rotate(@Param('appId') appId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    if (!visitor.developer) return this.toLogin(req, res);
    this.form(visitor, req);
    const issued = await this.apps.rotate(visitor.developer.id, appId);
    this.credentialsPage(res, visitor, issued, true);
  }

  @Post('apps/:appId/delete')
  async remove(@Param('appId') appId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    if (!visitor.developer) return this.toLogin(req, res);
    this.form(visitor, req);
    await this.apps.remove(visitor.developer.id, appId);
    res.redirect(303, '/portal/apps?done=app-deleted');
  }

  private credentialsPage(res: Response, visitor: Visitor, issued: IssuedCredentials, rotated: boolean): void {
    this.page(res, visitor, 'credentials', { title: `Credentials for ${issued.app.name}`, nav: 'apps', app: issued.app, rotated, ...credentialView(issued) });
  }

  private page(res: Response, visitor: Visitor, view: ViewName, data: Omit<PageFrame, 'developer' | 'csrf'> & Record<string, unknown>): void {
    const frame = { developer: visitor.developer ? { email: visitor.developer.email } : null, csrf: visitor.csrf };
    res.type('html').send(renderView(view, { ...frame, ...data }));
  }

  /** The posted form, once its CSRF token is this visitor's (else CsrfRejected: a 403 page). */
  private form(visitor: Visitor, req: Request): Form {
    const body: unknown = req.body;
    this.visitors.checkCsrf(visitor, body);
    return body as Form;
  }

  private toLogin(req: Request, res: Response): void {
    const next = req.method === 'GET' ? safeNext(req.originalUrl, '') : '';
    res.redirect(303, next ? `/portal/login?next=${encodeURIComponent(next)}` : '/portal/login');
  }

  private async baseUrl(entry: CatalogueEntry): Promise<string> {
    const api = await this.apis.get(entry.api_id);
    return `${this.config.portal.gatewayPublicUrl}${api?.proxy.listen_path ?? '/'}`;
  }
}

function field(form: Form, name: string): string {
  const value = form[name];
  return typeof value === 'string' ? value : '';
}

const notices: Record<string, string> = {
  'signed-up': 'Your account is ready. Log in to create apps.',
  'signed-up-pending': 'Your account was created and is waiting for an administrator to approve it.',
  'password-reset': 'Your password was changed. Log in with the new one.',
  'logged-out': 'You are logged out.',
  'app-deleted': 'The app was deleted and its credentials no longer work.',
};

function notice(done: unknown): string | undefined {
  return typeof done === 'string' ? notices[done] : undefined;
}

/** The portal's names for the fields the services name in their errors. */
const fieldLabels: Record<string, string> = { email: 'Email', password: 'Password', name: 'App name', entry_id: 'API' };

/** A service's refusal as the form's message, fields by their labels; anything unexpected goes on to the error page. */
function formProblem(error: unknown): { status: number; error: string; details: ErrorDetail[] } {
  if (!(error instanceof PortcullisError) || error.status >= 500) throw error;
  const details = (error.details ?? []).map((detail) => {
    const label = fieldLabels[detail.field];
    return label ? { field: detail.field, message: `${label}: ${detail.message}` } : detail;
  });
  const message = error.code === 'validation_failed' && error.message === errorCatalogue.validation_failed.message ? 'There is a problem with what you entered.' : error.message;
  return { status: error.status, error: message, details };
}

function resetLinkInvalid(): PortcullisError {
  return new PortcullisError('not_found', 'This password reset link is not valid: it was used, replaced, or has expired. Ask the administrator for a new one.');
}

