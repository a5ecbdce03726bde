import { Inject, Injectable, Logger } from '@nestjs/common';
import { Bus } from '@portcullis/bus';
import { subjects, type ApiChange, type CertificateBasics, type CertificateMeta } from '@portcullis/contracts';
import {
  CERTIFICATE_MAX_BYTES,
  CERTIFICATE_UPLOAD_AAD,
  certificateId,
  certificateKeySeal,
  CertificateUploadError,
  parseUpload,
  type SecretSeal,
  type StoredCertificate,
} from '@portcullis/domain';
import { PortcullisError } from '@portcullis/errors';
import type { RegistryConfig } from '../config.js';
import { REGISTRY_CONFIG } from '../registry-config.token.js';
import { CertificateStore } from '../storage/certificate-store.js';
import { certificateNotFound } from '../storage/certificate-errors.js';
import { certificateBasics, certificateMeta } from './certificate-meta.js';

/**
 * Tyk's certificate store: checks an upload (PEM, parses, key is the leaf's), seals its key, stores
 * it and announces it to the gateways; answers metadata, never a key.
 */
@Injectable()
export class CertificatesService {
  private readonly logger = new Logger(CertificatesService.name);
  private readonly seal: SecretSeal;

  constructor(
    private readonly store: CertificateStore,
    private readonly bus: Bus,
    @Inject(REGISTRY_CONFIG) config: RegistryConfig,
  ) {
    this.seal = certificateKeySeal(config.certificateEncryptionSecret, config.adminSecret);
  }

  /** `sealedUpload`: the PEM text as the gateway sealed it (the bus never carries a key in clear). */
  async add(sealedUpload: unknown, orgId: unknown): Promise<CertificateMeta> {
    if (typeof orgId !== 'string' || orgId.length > 64 || !/^[A-Za-z0-9._-]*$/.test(orgId)) {
      throw new PortcullisError('validation_failed', undefined, [{ field: 'org_id', message: 'must be up to 64 letters, digits, . _ -' }]);
    }
    if (typeof sealedUpload !== 'string') throw new PortcullisError('validation_failed', undefined, [{ field: 'sealed_upload', message: 'is required' }]);
    let text: string;
    try {
      text = this.seal.open(sealedUpload, CERTIFICATE_UPLOAD_AAD).toString('utf8');
    } catch {
      // Another CERTIFICATE_ENCRYPTION_SECRET on the gateway than here: an operator's mistake, said plainly.
      throw new PortcullisError(
        'validation_failed',
        'The upload could not be opened: the gateway and the registry must share CERTIFICATE_ENCRYPTION_SECRET (or ADMIN_SECRET)',
        [{ field: 'sealed_upload', message: 'cannot be opened' }],
      );
    }
    if (Buffer.byteLength(text) > CERTIFICATE_MAX_BYTES)
      throw new PortcullisError('payload_too_large', `A certificate upload is at most ${CERTIFICATE_MAX_BYTES} bytes`);
    let parsed;
    try {
      parsed = parseUpload(text);
    } catch (error) {
      if (error instanceof CertificateUploadError)
        throw new PortcullisError('validation_failed', `Malformed request body: ${error.message}`, [{ field: error.field, message: error.message }]);
      throw error;
    }
    const id = certificateId(orgId, parsed.fingerprint);
    const stored: StoredCertificate =
      'publicKeyPem' in parsed
        ? { id, org_id: orgId, cert_pem: parsed.publicKeyPem, sealed_key: null }
        : { id, org_id: orgId, cert_pem: parsed.certPem, sealed_key: parsed.keyPem === null ? null : this.seal.seal(Buffer.from(parsed.keyPem), id) };
    const revision = await this.store.insert(stored);
    await this.announce(revision, id, 'created', stored);
    return certificateMeta(stored);
  }

  async list(orgId: string | undefined, detailed: boolean): Promise<string[] | CertificateBasics[]> {
    const all = await this.store.list(orgId);
    return detailed ? all.map(certificateBasics) : all.map((stored) => stored.id);
  }

  /** Every id must exist: one unknown id answers 404 naming it (Tyk's message). */
  async get(ids: readonly string[]): Promise<CertificateMeta[]> {
    const found = await this.store.getMany(ids);
    const missing = ids.find((id) => !found.some((stored) => stored.id === id));
    if (missing !== undefined) throw certificateNotFound(missing);
    return found.map((stored) => certificateMeta(stored));
  }

  async remove(id: string): Promise<void> {
    const revision = await this.store.remove(id);
    await this.announce(revision, id, 'deleted', null);
  }

  /** Publishes a committed change; never fails the write it follows (gateways re-sync on a revision gap). */
  private async announce(revision: number, id: string, change: ApiChange, certificate: StoredCertificate | null): Promise<void> {
    await this.bus.publishBestEffort(
      [{ subject: subjects.registryCertificateChanged, payload: { revision, cert_id: id, change, certificate } }],
      `${change} of certificate ${id} (revision ${revision})`,
      this.logger,
    );
  }
}
