import { Injectable } from '@nestjs/common';
import { qualifiedTable } from '@portcullis/database';
import { DataSource } from 'typeorm';
import { SigningKeyRecord } from './signing-key.entity.js';

/** Serialises rotations across replicas: only one of them turns a due key over. */
const ROTATION_LOCK = 7_303_541_001;

/** A new key's row before it is stored (the store stamps the times). */
export type SigningKeyCandidate = Pick<SigningKeyRecord, 'id' | 'alg' | 'publicJwk' | 'privateKeyEncrypted'>;

/** The signing keys of access tokens and ID Tokens (`signing_keys`), the truth every replica shares. */
@Injectable()
export class SigningKeyStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Every key, newest first. */
  list(): Promise<SigningKeyRecord[]> {
    return this.dataSource.manager.find(SigningKeyRecord, { order: { createdAt: 'DESC' } });
  }

  /**
   * Stores the candidates (one per algorithm) as the active keys and retires every other one, under a
   * lock every replica takes. With `stillDue`, the rotation happens only if the key active then is still due (another
   * replica may have rotated meanwhile); false when it did not happen.
   */
  rotate(candidates: readonly SigningKeyCandidate[], stillDue?: (activeSince: Date) => boolean): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [ROTATION_LOCK]);
      if (stillDue) {
        const current = await manager.createQueryBuilder(SigningKeyRecord, 'k').where('k.retired_at IS NULL').orderBy('k.created_at', 'DESC').getOne();
        if (current && !stillDue(current.createdAt)) return false;
      }
      const now = new Date();
      for (const candidate of candidates) {
        await manager.insert(SigningKeyRecord, { ...candidate, publicJwk: candidate.publicJwk as never, createdAt: now, retiredAt: null });
      }
      await manager
        .createQueryBuilder()
        .update(SigningKeyRecord)
        .set({ retiredAt: now })
        .where('retired_at IS NULL AND id NOT IN (:...kids)', { kids: candidates.map((candidate) => candidate.id) })
        .execute();
      return true;
    });
  }

  /**
   * Deletes keys retired for longer than the grace that no unexpired token may need; true when any
   * went. An access token names its key (a replica that had not heard of the rotation yet may have
   * signed with it after its retirement); an ID Token is named by no row, but it expires with the
   * access token issued beside it, opaque or not, so a key stays while any access token issued before
   * its retirement is unexpired.
   */
  async dropRetired(graceSeconds: number): Promise<boolean> {
    const dropped: unknown[] = await this.dataSource.query(
      `DELETE FROM ${this.table('signing_keys')} k
        WHERE k.retired_at IS NOT NULL AND k.retired_at < now() - make_interval(secs => $1)
          AND NOT EXISTS (SELECT 1 FROM ${this.table('access_tokens')} t WHERE t.kid = k.id AND t.exp > now())
          AND NOT EXISTS (SELECT 1 FROM ${this.table('access_tokens')} t WHERE t.exp > now() AND t.iat <= k.retired_at)
        RETURNING k.id`,
      [graceSeconds],
    );
    const rows = Array.isArray(dropped[0]) ? (dropped[0] as unknown[]) : dropped;
    return rows.length > 0;
  }

  private table(name: string): string {
    return qualifiedTable(this.dataSource, name);
  }
}
