import { Controller, Get, Inject, Param, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PortcullisError } from '@portcullis/errors';
import type { Request, Response } from 'express';
import type { RegistryConfig } from '../../config.js';
import { REGISTRY_CONFIG } from '../../registry-config.token.js';
import { ApiStore } from '../../storage/api-store.js';
import { CatalogueService } from '../catalogue/catalogue.service.js';
import type { CatalogueEntry } from '../portal-types.js';
import { renderMarkdown } from './markdown.js';
import { summariseOpenApi } from './openapi-summary.js';
import { notice, sendPage } from './page-kit.js';
import { portalCss } from './portal-css.js';
import { portalJs } from './portal-js.js';
import { PortalPageFilter } from './portal-page.filter.js';
import { PortalVisitors } from './portal-visitors.js';

/** The public pages: the catalogue, an API's page and OpenAPI document, and the portal's static files. */
@ApiExcludeController()
@Controller('portal')
@UseFilters(PortalPageFilter)
export class CataloguePagesController {
  constructor(
    private readonly visitors: PortalVisitors,
    private readonly catalogue: CatalogueService,
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
    sendPage(res, visitor, 'catalogue', { title: 'APIs', nav: 'catalogue', entries, notice: notice(req.query['done']) });
  }

  @Get('apis/:entryId')
  async apiPage(@Param('entryId') entryId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visitor = await this.visitors.identify(req, res);
    const entry = await this.catalogue.getPublished(entryId);
    sendPage(res, visitor, 'api', {
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

  private async baseUrl(entry: CatalogueEntry): Promise<string> {
    const api = await this.apis.get(entry.api_id);
    return `${this.config.portal.gatewayPublicUrl}${api?.proxy.listen_path ?? '/'}`;
  }
}
