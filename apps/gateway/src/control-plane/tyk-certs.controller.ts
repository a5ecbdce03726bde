import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, UseFilters, UseGuards } from '@nestjs/common';
import { Bus } from '@portcullis/bus';
import { subjects, type CertificateBasics, type CertificateMeta } from '@portcullis/contracts';
import { CERTIFICATE_UPLOAD_AAD, certificateKeySeal, type SecretSeal } from '@portcullis/domain';
import { PortcullisError } from '@portcullis/errors';
import type { GatewayConfig } from '../config.js';
import { GATEWAY_CONFIG } from '../tokens.js';
import { TykErrorFilter } from './tyk-errors.js';
import { TykSecretGuard } from './tyk-secret.guard.js';

/**
 * Tyk's certificate store (`/tyk/certs`), with Tyk's bodies. The registry keeps the certificates; the
 * upload is sealed here before it is forwarded, so a private key never crosses the bus in clear.
 */
@Controller('tyk/certs')
@UseGuards(TykSecretGuard)
@UseFilters(TykErrorFilter)
export class TykCertsController {
  private readonly seal: SecretSeal;

  constructor(
    private readonly bus: Bus,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.seal = certificateKeySeal(config.certificates.encryptionSecret, config.adminSecret);
  }

  @Get()
  async list(@Query('org_id') orgId?: unknown, @Query('mode') mode?: unknown): Promise<{ certs: string[] | CertificateBasics[] }> {
    if (mode !== undefined && mode !== 'detailed')
      throw new PortcullisError('validation_failed', undefined, [{ field: 'mode', message: 'must be "detailed" or absent' }]);
    const certs = await this.bus.request(subjects.registryCertsList, {
      ...(typeof orgId === 'string' && orgId !== '' ? { org_id: orgId } : {}),
      detailed: mode === 'detailed',
    });
    return { certs };
  }

  @Post()
  @HttpCode(200)
  async add(@Body() body: unknown, @Query('org_id') orgId?: unknown): Promise<{ id: string; message: string; status: 'ok' }> {
    if (typeof body !== 'string' || body.trim() === '')
      throw new PortcullisError('validation_failed', 'Malformed request body', [
        { field: 'body', message: 'must be PEM text: a certificate, optionally with its private key' },
      ]);
    if (orgId !== undefined && typeof orgId !== 'string')
      throw new PortcullisError('validation_failed', undefined, [{ field: 'org_id', message: 'must be one value' }]);
    const meta = await this.bus.request(subjects.registryCertsAdd, {
      sealed_upload: this.seal.seal(Buffer.from(body), CERTIFICATE_UPLOAD_AAD),
      org_id: orgId ?? '',
    });
    return { id: meta.id, message: 'Certificate added', status: 'ok' };
  }

  /** One id: its metadata; several (comma-separated): an array, as Tyk answers. */
  @Get(':ids')
  async get(@Param('ids') ids: string): Promise<CertificateMeta | CertificateMeta[]> {
    const list = ids
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id !== '');
    const metas = await this.bus.request(subjects.registryCertsGet, { cert_ids: list });
    return list.length === 1 ? metas[0]! : metas;
  }

  @Delete(':id')
  async remove(@Param('id') id: string): Promise<{ message: string; status: 'ok' }> {
    await this.bus.request(subjects.registryCertsDelete, { cert_id: id });
    return { message: 'removed', status: 'ok' };
  }
}
