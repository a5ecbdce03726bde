import { Controller, Delete, Get, Header, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '../../http/admin.guard.js';
import { errorBodyRef } from '../../openapi.js';
import { AppsService } from '../apps/apps.service.js';
import { portalRefs } from '../portal-openapi.js';
import type { Developer, PortalApp } from '../portal-types.js';
import { DevelopersService } from './developers.service.js';

const error = (status: number, description: string) => ApiResponse({ status, description, schema: errorBodyRef });
const idParam = ApiParam({ name: 'id', description: 'The developer id (UUID)' });

/** The admin side of the developer portal's accounts. */
@ApiTags('portal developers')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@error(401, 'The admin secret is missing or wrong')
@Controller('admin/portal/developers')
export class DevelopersController {
  constructor(
    private readonly developers: DevelopersService,
    private readonly apps: AppsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List developers' })
  @ApiResponse({ status: 200, schema: { type: 'array', items: portalRefs.developer } })
  list(): Promise<Developer[]> {
    return this.developers.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one developer' })
  @idParam
  @ApiResponse({ status: 200, schema: portalRefs.developer })
  @error(404, 'No developer has this id')
  get(@Param('id') id: string): Promise<Developer> {
    return this.developers.get(id);
  }

  @Get(':id/apps')
  @ApiOperation({ summary: "List a developer's apps (never their secrets: those were shown once, to the developer)" })
  @idParam
  @ApiResponse({ status: 200, schema: { type: 'array', items: portalRefs.app } })
  @error(404, 'No developer has this id')
  async listApps(@Param('id') id: string): Promise<PortalApp[]> {
    await this.developers.get(id);
    return this.apps.list(id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Let a pending developer in, or a blocked one back (with none of the credentials they held)' })
  @idParam
  @ApiResponse({ status: 200, schema: portalRefs.developer })
  @error(404, 'No developer has this id')
  approve(@Param('id') id: string): Promise<Developer> {
    return this.developers.approve(id);
  }

  @Post(':id/block')
  @HttpCode(200)
  @ApiOperation({ summary: 'Block a developer: they cannot log in, and every credential they hold is revoked (their apps are deleted)' })
  @idParam
  @ApiResponse({ status: 200, schema: portalRefs.developer })
  @error(404, 'No developer has this id')
  @error(
    502,
    'A DCR provider refused or could not be reached to delete a client: the developer is blocked, the apps not revoked are kept; block again to retry',
  )
  @error(503, 'The auth service or a DCR provider is unavailable (as above)')
  block(@Param('id') id: string): Promise<Developer> {
    return this.developers.block(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a developer, after revoking every credential they hold' })
  @idParam
  @ApiResponse({ status: 204, description: 'Deleted' })
  @error(404, 'No developer has this id')
  @error(502, 'A DCR provider refused or could not be reached: the developer is kept (blocked) with the apps not revoked; retry')
  @error(503, 'The auth service or a DCR provider is unavailable (as above)')
  async remove(@Param('id') id: string): Promise<void> {
    await this.developers.remove(id);
  }

  @Post(':id/reset-link')
  @HttpCode(201)
  // The answer is a password reset link: no cache on the way may keep a copy.
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Issue a single-use password reset link, valid one hour (it replaces earlier links)' })
  @idParam
  @ApiResponse({ status: 201, schema: portalRefs.resetLink })
  @error(404, 'No developer has this id')
  resetLink(@Param('id') id: string): Promise<{ url: string; expires_at: string }> {
    return this.developers.createResetLink(id);
  }
}
