import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, UseFilters, UseGuards } from '@nestjs/common';
import { Bus } from '@portcullis/bus';
import { PortcullisError } from '@portcullis/errors';
import { subjects } from '@portcullis/contracts';
import type { ApiDefinition } from '@portcullis/domain';
import { TykErrorFilter } from './tyk-errors.js';
import { TykSecretGuard } from './tyk-secret.guard.js';

/** Tyk's answer to a write: the API's id as `key`, and what happened. */
export interface TykWriteResult {
  key: string;
  status: 'ok';
  action: 'added' | 'modified' | 'deleted';
}

/**
 * Tyk's Gateway API for API definitions (`/tyk/apis`), with Tyk's request and response bodies. The
 * registry owns the definitions: every call is forwarded to it over the bus, and its answer (or its
 * error, with the same code and status) comes back as it is. Changes reach the data plane through
 * the registry's change events, like any other change.
 */
@Controller('tyk/apis')
@UseGuards(TykSecretGuard)
@UseFilters(TykErrorFilter)
export class TykApisController {
  constructor(private readonly bus: Bus) {}

  @Get()
  list(): Promise<ApiDefinition[]> {
    return this.bus.request(subjects.registryApisList, {});
  }

  @Post()
  @HttpCode(200)
  async create(@Body() body: unknown): Promise<TykWriteResult> {
    // Tyk: POSTing a definition whose api_id exists replaces it (its file is rewritten), no 409.
    const apiId = body !== null && typeof body === 'object' ? (body as { api_id?: unknown }).api_id : undefined;
    if (typeof apiId === 'string' && apiId !== '' && (await this.exists(apiId))) {
      const updated = await this.bus.request(subjects.registryApisUpdate, { api_id: apiId, definition: body });
      // Tyk answers a POST "added" either way.
      return { key: updated.api_id, status: 'ok', action: 'added' };
    }
    const created = await this.bus.request(subjects.registryApisCreate, { definition: body });
    return { key: created.api_id, status: 'ok', action: 'added' };
  }

  private async exists(apiId: string): Promise<boolean> {
    return this.bus.request(subjects.registryApisGet, { api_id: apiId }).then(
      () => true,
      (error: unknown) => {
        if (error instanceof PortcullisError && error.code === 'not_found') return false;
        throw error;
      },
    );
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<ApiDefinition> {
    return this.bus.request(subjects.registryApisGet, { api_id: id });
  }

  @Put(':id')
  async update(@Param('id') id: string, @Body() body: unknown): Promise<TykWriteResult> {
    const updated = await this.bus.request(subjects.registryApisUpdate, { api_id: id, definition: body });
    return { key: updated.api_id, status: 'ok', action: 'modified' };
  }

  @Delete(':id')
  async remove(@Param('id') id: string): Promise<TykWriteResult> {
    const deleted = await this.bus.request(subjects.registryApisDelete, { api_id: id });
    return { key: deleted.api_id, status: 'ok', action: 'deleted' };
  }
}
