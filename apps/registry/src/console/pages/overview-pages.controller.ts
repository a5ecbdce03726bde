import { Controller, Get, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ConsoleOperators } from '../session/console-operators.js';
import { ConsolePageFilter } from './console-page.filter.js';
import { consoleNotice, sendConsolePage } from './console-page-kit.js';

/** The console's first page. */
@ApiExcludeController()
@Controller('console')
@UseFilters(ConsolePageFilter)
export class OverviewPagesController {
  constructor(private readonly operators: ConsoleOperators) {}

  @Get()
  async overview(@Req() req: Request, @Res() res: Response): Promise<void> {
    const visit = await this.operators.requireOperator(req, res);
    sendConsolePage(res, visit, 'overview', { title: 'Overview', nav: 'overview', notice: consoleNotice(req.query['done']) });
  }
}
