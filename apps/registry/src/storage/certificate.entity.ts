import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './bigint-number.js';

/** A certificate of Tyk's store: the chain in clear, the private key only sealed (AES-256-GCM). */
@Entity({ name: 'certificates' })
export class CertificateRecord {
  /** Tyk's id: the org id and the leaf's SHA-256 in hex. */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'org_id', type: 'text' })
  orgId!: string;

  @Column({ name: 'cert_pem', type: 'text' })
  certPem!: string;

  /** SecretSeal output with the id as associated data; null when uploaded without a key. */
  @Column({ name: 'sealed_key', type: 'text', nullable: true })
  sealedKey!: string | null;

  /** The configuration revision of the write that stored it. */
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  revision!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
