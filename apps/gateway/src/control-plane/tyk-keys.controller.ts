import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, UseFilters, UseGuards } from '@nestjs/common';
import { Bus } from '@portcullis/bus';
import { subjects, type KeyRecord } from '@portcullis/contracts';
import { keyExpiresIn, validateSession, type Session } from '@portcullis/domain';
import { PortcullisError } from '@portcullis/errors';
import { ConfigurationStore } from '../data-plane/configuration-store.js';
import { TykErrorFilter } from './tyk-errors.js';
import { TykSecretGuard } from './tyk-secret.guard.js';

/** Tyk's answer to a key write: the key (or the hash it was addressed by), what happened, and its hash. */
export interface TykKeyWriteResult {
  key: string;
  status: 'ok';
  action: 'added' | 'modified' | 'deleted';
  key_hash: string;
  /** HMAC keys: the generated secret, in the reply that made it only (Tyk shows it on every GET). */
  hmac_string?: string;
}

/**
 * Tyk's Gateway API for keys (`/tyk/keys`). The auth service owns keys: every call is forwarded to
 * it over the bus and its errors come back with their status, in Tyk's shape. Keys are shown only
 * when created; afterwards Tyk's `?hashed=true` addresses one by its hash. A session read back
 * never holds a password or an HMAC secret.
 */
@Controller('tyk/keys')
@UseGuards(TykSecretGuard)
@UseFilters(TykErrorFilter)
export class TykKeysController {
  constructor(
    private readonly bus: Bus,
    private readonly store: ConfigurationStore,
  ) {}

  /** Tyk answers the list with key hashes (with hashed keys on) under `keys`. */
  @Get()
  async list(): Promise<{ keys: string[] }> {
    const keys = await this.bus.request(subjects.authKeysList, {});
    return { keys: keys.map((key) => key.key_hash) };
  }

  @Post()
  @HttpCode(200)
  create(@Body() body: unknown): Promise<TykKeyWriteResult> {
    return this.add(body, undefined);
  }

  /** Tyk's older path for the same thing; declared before `:key` so it is not taken for a chosen key. */
  @Post('create')
  @HttpCode(200)
  createLegacy(@Body() body: unknown): Promise<TykKeyWriteResult> {
    return this.add(body, undefined);
  }

  /**
   * Tyk's `POST /tyk/keys/preview`: the session a create would store, checked the same way (every
   * problem listed, 400), and nothing created. Declared before `:key`, or "preview" would be taken for
   * a chosen key. The policies it applies are checked against this gateway's configuration.
   */
  @Post('preview')
  @HttpCode(200)
  preview(@Body() body: unknown): Session {
    const result = validateSession(body);
    if (!result.ok) throw new PortcullisError('validation_failed', undefined, result.errors);
    const missing = (result.value.apply_policies ?? []).flatMap((id, index) =>
      this.store.policies.has(id) ? [] : [{ field: `apply_policies.${index}`, message: `no policy has id ${JSON.stringify(id)}` }],
    );
    if (missing.length > 0) throw new PortcullisError('validation_failed', undefined, missing);
    return result.value;
  }

  /** A key the caller chose (at least 16 characters; for basic auth, the username). */
  @Post(':key')
  @HttpCode(200)
  createChosen(@Param('key') key: string, @Body() body: unknown): Promise<TykKeyWriteResult> {
    return this.add(body, key);
  }

  @Get(':key')
  async get(@Param('key') key: string, @Query('hashed') hashed?: string): Promise<Session> {
    const record = await this.bus.request(subjects.authKeysGet, { key, hashed: isHashed(hashed) });
    return record.session;
  }

  @Put(':key')
  async update(@Param('key') key: string, @Body() body: unknown, @Query('hashed') hashed?: string): Promise<TykKeyWriteResult> {
    const updated = await this.bus.request(subjects.authKeysUpdate, { key, hashed: isHashed(hashed), session: body });
    return written(key, 'modified', updated);
  }

  @Delete(':key')
  async remove(@Param('key') key: string, @Query('hashed') hashed?: string): Promise<TykKeyWriteResult> {
    const { key_hash } = await this.bus.request(subjects.authKeysDelete, { key, hashed: isHashed(hashed) });
    return { key, status: 'ok', action: 'deleted', key_hash };
  }

  private async add(body: unknown, key: string | undefined): Promise<TykKeyWriteResult> {
    const request: { session: unknown; key?: string; key_expires_in?: number } = { session: body };
    if (key !== undefined) request.key = key;
    const expiresIn = keyExpiresIn(body, this.store.policies);
    if (expiresIn !== undefined) request.key_expires_in = expiresIn;
    const created = await this.bus.request(subjects.authKeysCreate, request);
    return written(created.key ?? key ?? created.key_hash, 'added', created);
  }
}

function written(key: string, action: TykKeyWriteResult['action'], record: KeyRecord): TykKeyWriteResult {
  const result: TykKeyWriteResult = { key, status: 'ok', action, key_hash: record.key_hash };
  if (record.hmac_string !== undefined) result.hmac_string = record.hmac_string;
  return result;
}

/** Tyk's `hashed` query flag: `true` or `1`. */
function isHashed(value: string | undefined): boolean {
  return value === 'true' || value === '1';
}
