import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '../../http/admin.guard.js';
import { JsonBodyGuard } from '../../http/json-body.guard.js';
import { errorBodyRef } from '../../openapi.js';
import { portalRefs } from '../portal-openapi.js';
import type { CatalogueEntry } from '../portal-types.js';
import { CatalogueService } from './catalogue.service.js';

const error = (status: number, description: string) => ApiResponse({ status, description, schema: errorBodyRef });
const idParam = ApiParam({ name: 'id', description: 'The entry id (UUID)' });

/** The admin side of the developer portal's catalogue. */
@ApiTags('portal catalogue')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@error(401, 'The admin secret is missing or wrong')
@Controller('admin/portal/catalogue')
export class CatalogueController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Get()
  @ApiOperation({ summary: 'List every catalogue entry, published or withdrawn' })
  @ApiResponse({ status: 200, schema: { type: 'array', items: portalRefs.entry } })
  list(): Promise<CatalogueEntry[]> {
    return this.catalogue.list();
  }

  @Post()
  @HttpCode(201)
  @UseGuards(JsonBodyGuard)
  @ApiOperation({ summary: 'Publish an API in the catalogue (published unless published: false)' })
  @ApiBody({ schema: portalRefs.entryInput })
  @ApiResponse({ status: 201, description: 'The stored entry', schema: portalRefs.entry })
  @error(
    400,
    'Malformed JSON, invalid fields, an unknown API, policy or provider, or an API that does not take this kind of credential (each named in details)',
  )
  @error(413, 'The body is too large')
  @error(415, 'The body is not application/json')
  create(@Body() body: unknown): Promise<CatalogueEntry> {
    return this.catalogue.create(body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one catalogue entry' })
  @idParam
  @ApiResponse({ status: 200, schema: portalRefs.entry })
  @error(404, 'No entry has this id')
  get(@Param('id') id: string): Promise<CatalogueEntry> {
    return this.catalogue.get(id);
  }

  @Put(':id')
  @UseGuards(JsonBodyGuard)
  @ApiOperation({ summary: 'Change an entry (fields left out keep their value; apps already made keep their credentials)' })
  @idParam
  @ApiBody({ schema: portalRefs.entryInput })
  @ApiResponse({ status: 200, description: 'The stored entry', schema: portalRefs.entry })
  @error(400, 'Malformed JSON or invalid fields (each named in details)')
  @error(404, 'No entry has this id')
  @error(413, 'The body is too large')
  @error(415, 'The body is not application/json')
  update(@Param('id') id: string, @Body() body: unknown): Promise<CatalogueEntry> {
    return this.catalogue.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an entry no app was made for' })
  @idParam
  @ApiResponse({ status: 204, description: 'Deleted' })
  @error(404, 'No entry has this id')
  @error(409, 'Apps were made for this entry: withdraw it instead, or delete them first')
  async remove(@Param('id') id: string): Promise<void> {
    await this.catalogue.remove(id);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @ApiOperation({ summary: 'Hide an entry from developers (the apps made for it keep working)' })
  @idParam
  @ApiResponse({ status: 200, schema: portalRefs.entry })
  @error(404, 'No entry has this id')
  withdraw(@Param('id') id: string): Promise<CatalogueEntry> {
    return this.catalogue.withdraw(id);
  }

  @Post(':id/publish')
  @HttpCode(200)
  @ApiOperation({ summary: 'Show a withdrawn entry to developers again' })
  @idParam
  @ApiResponse({ status: 200, schema: portalRefs.entry })
  @error(404, 'No entry has this id')
  publish(@Param('id') id: string): Promise<CatalogueEntry> {
    return this.catalogue.publish(id);
  }
}
