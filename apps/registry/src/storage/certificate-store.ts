import { Injectable } from '@nestjs/common';
import type { StoredCertificate } from '@portcullis/domain';
import { DataSource, In, type EntityManager } from 'typeorm';
import { certificateExists, certificateNotFound } from './certificate-errors.js';
import { CertificateRecord } from './certificate.entity.js';
import { violatedConstraint } from './pg-errors.js';
import { nextRevision } from './revision.js';

/**
 * Certificates in PostgreSQL. Each write bumps the configuration revision, as API and policy writes
 * do, so gateways see certificates in the same ordered stream of changes.
 */
@Injectable()
export class CertificateStore {
  constructor(private readonly dataSource: DataSource) {}

  list(orgId?: string): Promise<StoredCertificate[]> {
    return listCertificates(this.dataSource.manager, orgId);
  }

  async getMany(ids: readonly string[]): Promise<StoredCertificate[]> {
    const records = await this.dataSource.manager.findBy(CertificateRecord, { id: In([...ids]) });
    const byId = new Map(records.map((record) => [record.id, toStored(record)]));
    return ids.map((id) => byId.get(id)).filter((stored): stored is StoredCertificate => stored !== undefined);
  }

  /** Stores a new certificate; returns the revision of the write. */
  async insert(certificate: StoredCertificate): Promise<number> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const revision = await nextRevision(manager);
        if (await manager.existsBy(CertificateRecord, { id: certificate.id })) throw certificateExists(certificate.id);
        await manager.insert(CertificateRecord, {
          id: certificate.id,
          orgId: certificate.org_id,
          certPem: certificate.cert_pem,
          sealedKey: certificate.sealed_key,
          revision,
          createdAt: new Date(),
        });
        return revision;
      });
    } catch (error) {
      if (violatedConstraint(error, 'unique') !== undefined) throw certificateExists(certificate.id);
      throw error;
    }
  }

  remove(id: string): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const revision = await nextRevision(manager);
      const result = await manager.delete(CertificateRecord, { id });
      if (!result.affected) throw certificateNotFound(id);
      return revision;
    });
  }
}

/** Every certificate, oldest first; inside the snapshot's transaction too. */
export async function listCertificates(manager: EntityManager, orgId?: string): Promise<StoredCertificate[]> {
  const records = await manager.find(CertificateRecord, { where: orgId === undefined ? {} : { orgId }, order: { createdAt: 'ASC', id: 'ASC' } });
  return records.map(toStored);
}

function toStored(record: CertificateRecord): StoredCertificate {
  return { id: record.id, org_id: record.orgId, cert_pem: record.certPem, sealed_key: record.sealedKey };
}
