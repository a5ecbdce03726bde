import { Controller, Get, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PortcullisError, type ErrorDetail } from '@portcullis/errors';
import type { Request, Response } from 'express';
import { ConsoleResources } from '../resources/console-resources.js';
import { parseJsonDocument } from '../resources/json-document.js';
import type { ResourceKind } from '../resources/resource-kind.js';
import { ConsoleOperators, type ConsoleVisit } from '../session/console-operators.js';
import { ConsolePageFilter } from './console-page.filter.js';
import { consoleNotice, formField, sendConsolePage } from './console-page-kit.js';
import { ItemPanels } from './item-panels.js';

/** The admin API's refusal to show beside the document; anything else (a 404, a 5xx) goes on to the error page. */
function refusal(error: unknown): { status: number; error: string; details: ErrorDetail[] } {
  if (!(error instanceof PortcullisError) || error.status >= 500 || error.status === 404) throw error;
  return { status: error.status, error: error.message, details: error.details ?? [] };
}

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/** Rows a table shows: a page of 10,000 keys is no use to read, and heavy to send. */
export const MAX_LIST_ROWS = 500;

/**
 * Every kind the console edits, one pattern for all: a table, an item as the JSON document the admin
 * API takes, create, save and delete through the admin API's own services. Registered after the
 * console's other pages, so `/console/traffic` and the like are theirs.
 */
@ApiExcludeController()
@Controller('console')
@UseFilters(ConsolePageFilter)
export class ResourcePagesController {
  constructor(
    private readonly operators: ConsoleOperators,
    private readonly resources: ConsoleResources,
    private readonly panels: ItemPanels,
  ) {}

  @Get(':kind')
  async listPage(@Param('kind') slug: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visit = await this.operators.requireOperator(req, res);
    const kind = this.resources.kind(slug);
    const rows = await kind.list();
    sendConsolePage(res, visit, 'list', {
      title: kind.title,
      nav: kind.slug,
      kind,
      rows: rows.slice(0, MAX_LIST_ROWS),
      more: Math.max(0, rows.length - MAX_LIST_ROWS),
      notice: consoleNotice(req.query['done']),
    });
  }

  @Get(':kind/new')
  async newPage(@Param('kind') slug: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visit = await this.operators.requireOperator(req, res);
    const kind = this.resources.kind(slug);
    await this.editor(res, visit, kind, undefined, pretty(kind.template()), {});
  }

  @Post(':kind')
  async create(@Param('kind') slug: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visit = await this.operators.requireOperator(req, res);
    const kind = this.resources.kind(slug);
    const text = formField(this.operators.form(visit, req), 'document');
    let created;
    try {
      created = await kind.create(parseJsonDocument(text));
    } catch (error) {
      const problem = refusal(error);
      return this.editor(res.status(problem.status), visit, kind, undefined, text, problem);
    }
    if (created.secrets.length === 0) return void res.redirect(303, `/console/${kind.slug}/${encodeURIComponent(created.id)}?done=created`);
    sendConsolePage(res.status(201), visit, 'secret', {
      title: `New ${kind.singular}`,
      nav: kind.slug,
      heading: `The new ${kind.singular}`,
      kind,
      id: created.id,
      secrets: created.secrets,
    });
  }

  @Get(':kind/:id')
  async itemPage(@Param('kind') slug: string, @Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visit = await this.operators.requireOperator(req, res);
    const kind = this.resources.kind(slug);
    const document = await kind.get(id);
    await this.editor(res, visit, kind, id, pretty(document), { notice: consoleNotice(req.query['done']) });
  }

  @Post(':kind/:id')
  async update(@Param('kind') slug: string, @Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visit = await this.operators.requireOperator(req, res);
    const kind = this.resources.kind(slug);
    const text = formField(this.operators.form(visit, req), 'document');
    try {
      await kind.update(id, parseJsonDocument(text));
    } catch (error) {
      const problem = refusal(error);
      return this.editor(res.status(problem.status), visit, kind, id, text, problem);
    }
    res.redirect(303, `/console/${kind.slug}/${encodeURIComponent(id)}?done=saved`);
  }

  @Post(':kind/:id/delete')
  async remove(@Param('kind') slug: string, @Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const visit = await this.operators.requireOperator(req, res);
    const kind = this.resources.kind(slug);
    const form = this.operators.form(visit, req);
    if (formField(form, 'confirm') !== id) {
      // Nothing is deleted on a slip: the id must be typed.
      const document = await kind.get(id);
      return this.editor(res.status(400), visit, kind, id, pretty(document), {
        error: `Nothing was deleted: type the ${kind.singular}'s id to confirm.`,
        details: [{ field: 'confirm', message: `must be ${id}` }],
      });
    }
    try {
      await kind.remove(id);
    } catch (error) {
      const problem = refusal(error);
      const document = await kind.get(id);
      return this.editor(res.status(problem.status), visit, kind, id, pretty(document), problem);
    }
    res.redirect(303, `/console/${kind.slug}?done=deleted`);
  }

  private async editor(
    res: Response,
    visit: ConsoleVisit,
    kind: ResourceKind,
    id: string | undefined,
    json: string,
    extra: { status?: number; error?: string; details?: ErrorDetail[]; notice?: string },
  ): Promise<void> {
    const heading = id === undefined ? `New ${kind.singular}` : `${kind.singular[0]!.toUpperCase()}${kind.singular.slice(1)} ${id}`;
    sendConsolePage(res, visit, 'edit', {
      title: heading,
      nav: kind.slug,
      heading,
      kind,
      id,
      json,
      action: id === undefined ? `/console/${kind.slug}` : `/console/${kind.slug}/${encodeURIComponent(id)}`,
      extra: id === undefined ? '' : await this.panels.for(kind.slug, id),
      ...extra,
    });
  }
}
