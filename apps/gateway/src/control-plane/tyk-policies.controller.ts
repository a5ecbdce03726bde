import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, UseFilters, UseGuards } from '@nestjs/common';
import { Bus } from '@portcullis/bus';
import { PortcullisError } from '@portcullis/errors';
import { subjects } from '@portcullis/contracts';
import type { Policy } from '@portcullis/domain';
import type { TykWriteResult } from './tyk-apis.controller.js';
import { TykErrorFilter } from './tyk-errors.js';
import { TykSecretGuard } from './tyk-secret.guard.js';

/**
 * Tyk's Gateway API for policies (`/tyk/policies`), with Tyk's bodies. The registry owns policies:
 * every call is forwarded to it over the bus and its answer (or its error, same code and status)
 * comes back as it is; changes reach every gateway through the registry's change events.
 */
@Controller('tyk/policies')
@UseGuards(TykSecretGuard)
@UseFilters(TykErrorFilter)
export class TykPoliciesController {
  constructor(private readonly bus: Bus) {}

  @Get()
  list(): Promise<Policy[]> {
    return this.bus.request(subjects.registryPoliciesList, {});
  }

  @Post()
  @HttpCode(200)
  async create(@Body() body: unknown): Promise<TykWriteResult> {
    // Tyk: "Unable to create policy without id." (400); the native admin API generates one instead.
    const id = body !== null && typeof body === 'object' ? ((body as { id?: unknown; _id?: unknown }).id ?? (body as { _id?: unknown })._id) : undefined;
    if (id === undefined || id === null || id === '') {
      throw new PortcullisError('validation_failed', 'Unable to create policy without id.', [{ field: 'id', message: 'is required' }]);
    }
    const created = await this.bus.request(subjects.registryPoliciesCreate, { policy: body });
    return { key: created.id, status: 'ok', action: 'added' };
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<Policy> {
    return this.bus.request(subjects.registryPoliciesGet, { policy_id: id });
  }

  @Put(':id')
  async update(@Param('id') id: string, @Body() body: unknown): Promise<TykWriteResult> {
    const updated = await this.bus.request(subjects.registryPoliciesUpdate, { policy_id: id, policy: body });
    return { key: updated.id, status: 'ok', action: 'modified' };
  }

  @Delete(':id')
  async remove(@Param('id') id: string): Promise<TykWriteResult> {
    const deleted = await this.bus.request(subjects.registryPoliciesDelete, { policy_id: id });
    return { key: deleted.policy_id, status: 'ok', action: 'deleted' };
  }
}
