import { Controller, Get, Inject, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PortcullisError, type ErrorDetail } from '@portcullis/errors';
import type { Request, Response } from 'express';
import type { RegistryConfig } from '../../config.js';
import { REGISTRY_CONFIG } from '../../registry-config.token.js';
import { ApiStore } from '../../storage/api-store.js';
import { AppsService } from '../apps/apps.service.js';
import { gatewayTokenEndpoint } from '../apps/credential-kind.js';
import { CatalogueService } from '../catalogue/catalogue.service.js';
import type { IssuedCredentials, PortalApp } from '../portal-types.js';
import { credentialView, exampleWithPlaceholders, secretNoun } from './credential-view.js';
import { field, formProblem, notice, redirectToLogin, sendPage } from './page-kit.js';
import { PortalPageFilter } from './portal-page.filter.js';
import { PortalVisitors, type Visitor } from './portal-visitors.js';

/**
 * A developer's apps: list, create, show, rename, rotate, delete. Every page needs a logged-in developer,
 * and AppsService answers another developer's app as absent (404), never as someone else's.
 */
@ApiExcludeController()
@Controller('portal')
@UseFilters(PortalPageFilter)
export class AppPagesController {
  constructor(
    private readonly visitors: PortalVisitors,
    private readonly catalogue: CatalogueService,
    private readonly apps: AppsService,
    private readonly apis: ApiStore,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
  ) {}

  @Get('apps')
  async appsPage(@Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    if (!visitor.developer) return redirectToLogin(req, res);
    const [apps, entries] = await Promise.all([this.apps.list(visitor.developer.id), this.catalogue.list()]);
    const names = new Map(entries.map((entry) => [entry.id, entry.name]));
    sendPage(res, visitor, 'apps', {
      title: 'My apps',
      nav: 'apps',
      apps: apps.map((app) => ({ ...app, entryName: names.get(app.entry_id) ?? '(withdrawn)' })),
      notice: notice(req.query['done']),
    });
  }

  @Get('apps/new')
  async newAppPage(@Query('entry') entryId: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    if (!visitor.developer) return redirectToLogin(req, res);
    const entries = await this.catalogue.listPublished();
    sendPage(res, visitor, 'app-new', { title: 'Create an app', nav: 'apps', entries, entryId: typeof entryId === 'string' ? entryId : '' });
  }

  @Post('apps')
  async createApp(@Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    if (!visitor.developer) return redirectToLogin(req, res);
    const form = this.visitors.form(visitor, req);
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
      return sendPage(res.status(problem.status), visitor, 'app-new', {
        title: 'Create an app',
        nav: 'apps',
        entries,
        entryId: input.entry_id,
        name: input.name,
        ...problem,
      });
    }
    this.credentialsPage(res.status(201), visitor, issued, false);
  }

  @Get('apps/:appId')
  async appPage(@Param('appId') appId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    if (!visitor.developer) return redirectToLogin(req, res);
    const app = await this.apps.get(visitor.developer.id, appId);
    await this.sendAppPage(res, visitor, app, { notice: notice(req.query['done']) });
  }

  @Post('apps/:appId/rename')
  async rename(@Param('appId') appId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    if (!visitor.developer) return redirectToLogin(req, res);
    const form = this.visitors.form(visitor, req);
    try {
      await this.apps.rename(visitor.developer.id, appId, { name: form['name'] });
    } catch (error) {
      const problem = formProblem(error);
      if (problem.status === 404) throw error;
      const app = await this.apps.get(visitor.developer.id, appId);
      return this.sendAppPage(res.status(problem.status), visitor, app, { ...problem, name: field(form, 'name') });
    }
    res.redirect(303, `/portal/apps/${appId}?done=app-renamed`);
  }

  private async sendAppPage(res: Response, visitor: Visitor, app: PortalApp, extra: Record<string, unknown>): Promise<void> {
    const entry = await this.catalogue.get(app.entry_id).catch(() => null);
    const api = entry ? await this.apis.get(entry.api_id) : null;
    const example = api
      ? exampleWithPlaceholders(
          app,
          `${this.config.portal.gatewayPublicUrl}${api.proxy.listen_path}`,
          app.kind === 'oauth_client' ? gatewayTokenEndpoint(this.config.portal.gatewayPublicUrl, api.proxy.listen_path) : null,
        )
      : null;
    sendPage(res, visitor, 'app', {
      title: app.name,
      nav: 'apps',
      app,
      entryName: entry?.name ?? '(withdrawn)',
      entryId: entry?.published ? entry.id : null,
      secretNoun: secretNoun(app.kind),
      example,
      ...extra,
    });
  }

  @Post('apps/:appId/rotate')
  async rotate(@Param('appId') appId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    if (!visitor.developer) return redirectToLogin(req, res);
    this.visitors.form(visitor, req);
    const issued = await this.apps.rotate(visitor.developer.id, appId);
    this.credentialsPage(res, visitor, issued, true);
  }

  @Post('apps/:appId/delete')
  async remove(@Param('appId') appId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    if (!visitor.developer) return redirectToLogin(req, res);
    this.visitors.form(visitor, req);
    await this.apps.remove(visitor.developer.id, appId);
    res.redirect(303, '/portal/apps?done=app-deleted');
  }

  private credentialsPage(res: Response, visitor: Visitor, issued: IssuedCredentials, rotated: boolean): void {
    sendPage(res, visitor, 'credentials', { title: `Credentials for ${issued.app.name}`, nav: 'apps', app: issued.app, rotated, ...credentialView(issued) });
  }
}
