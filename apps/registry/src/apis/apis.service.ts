import { Injectable, Logger } from '@nestjs/common';
import { Bus } from '@portcullis/bus';
import { subjects, type ApiChange } from '@portcullis/contracts';
import { validateApiDefinition, type ApiDefinition } from '@portcullis/domain';
import { PortcullisError, type ErrorDetail } from '@portcullis/errors';
import { ApiStore } from '../storage/api-store.js';
import { apiNotFound } from '../storage/api-errors.js';
import { newApiId } from './api-id.js';

/**
 * API definition administration: the one place that validates, stores and announces a change.
 * The native REST API and the bus handlers behind the gateway's Tyk API both call it, so both give
 * the same answers and the same errors.
 */
@Injectable()
export class ApisService {
  private readonly logger = new Logger(ApisService.name);

  constructor(
    private readonly store: ApiStore,
    private readonly bus: Bus,
  ) {}

  list(): Promise<ApiDefinition[]> {
    return this.store.list();
  }

  async get(apiId: string): Promise<ApiDefinition> {
    const definition = await this.store.get(apiId);
    if (!definition) throw apiNotFound(apiId);
    return definition;
  }

  async create(input: unknown): Promise<ApiDefinition> {
    const { api_id: apiId, ...fields } = validated(input);
    const definition: ApiDefinition = { api_id: apiId ?? newApiId(), ...fields };
    const revision = await this.store.insert(definition);
    await this.announce(revision, definition.api_id, 'created', definition);
    return definition;
  }

  /** The id in the URL wins; a different id in the body is a mistake worth reporting, not ignoring. */
  async update(apiId: string, input: unknown): Promise<ApiDefinition> {
    const { api_id: _sameAsUrl, ...fields } = validated(input, apiId);
    const definition: ApiDefinition = { api_id: apiId, ...fields };
    const revision = await this.store.replace(definition);
    await this.announce(revision, apiId, 'updated', definition);
    return definition;
  }

  async remove(apiId: string): Promise<void> {
    const revision = await this.store.remove(apiId);
    await this.announce(revision, apiId, 'deleted', null);
  }

  private async announce(revision: number, apiId: string, change: ApiChange, definition: ApiDefinition | null): Promise<void> {
    await this.bus.publishBestEffort(
      [{ subject: subjects.registryApiChanged, payload: { revision, api_id: apiId, change, definition } }],
      `${change} of API ${apiId} (revision ${revision})`,
      this.logger,
    );
  }
}

type ValidatedDefinition = Extract<ReturnType<typeof validateApiDefinition>, { ok: true }>['value'];

/** Validates a submitted definition; with `urlId`, also that any api_id in the body matches it. */
function validated(input: unknown, urlId?: string): ValidatedDefinition {
  const result = validateApiDefinition(input);
  const problems: ErrorDetail[] = result.ok ? [] : [...result.errors];
  if (urlId !== undefined && problems.every((problem) => problem.field !== 'api_id')) {
    const bodyId = (input as { api_id?: unknown } | null)?.api_id;
    if (bodyId !== undefined && bodyId !== urlId) {
      problems.push({ field: 'api_id', message: `must match the id in the URL (${JSON.stringify(urlId)}), got ${JSON.stringify(bodyId)}` });
    }
  }
  if (problems.length > 0 || !result.ok) throw new PortcullisError('validation_failed', undefined, problems);
  return result.value;
}
