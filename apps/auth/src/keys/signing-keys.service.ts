import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Bus } from '@portcullis/bus';
import { subjects, type Jwks } from '@portcullis/contracts';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, type JWK } from 'jose';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { AUTH_CONFIG, type AuthConfig } from '../config.js';
import { SigningKeyStore, type SigningKeyCandidate } from '../storage/signing-key-store.js';
import { publishQuietly } from '../events/publish.js';
import { accessTokenHeader, idTokenHeader, type SigningAlg } from './compact-jws.js';
import { KeyEncryption } from './key-encryption.js';
import { errorSummary } from '@portcullis/logging';

/** Access tokens: ES256 (RFC 9068 leaves the choice to us; gateways verify nothing else). */
export const SIGNING_ALG = 'ES256' as const;

/**
 * Every rotation makes one key per algorithm: ES256 signs access tokens and the ID Tokens of clients
 * registered with `id_token_signed_response_alg: ES256`; RS256 (2048-bit RSA) signs the other ID Tokens,
 * RS256 being what OIDC Core §15.1 requires of every OP and what a client registered without the
 * metadata expects (OIDC DCR §2).
 */
export const KEY_ALGS = ['ES256', 'RS256'] as const satisfies readonly SigningAlg[];
export const RSA_MODULUS_BITS = 2048;

/**
 * A retired key that no recorded token needs is dropped only after this long: a replica that has not
 * heard of a rotation yet may still be signing with it for a moment (and records what it signed).
 */
const RETIRED_GRACE_SECONDS = 300;

export interface ActiveKey {
  kid: string;
  key: KeyObject;
  /** The access tokens' protected header for this key, base64url-encoded once (see compact-jws.ts); used of the ES256 key only. */
  header: string;
  /** The ID Tokens' protected header for this key, likewise. */
  idTokenHeader: string;
}

type Active = ActiveKey & { createdAt: Date };

/**
 * The keys access tokens and ID Tokens are signed with. Rows in `signing_keys` are the truth every
 * replica shares: per algorithm the newest key not retired signs, retired keys stay published (JWKS)
 * while a token they signed is unexpired. Keys are imported once into KeyObjects when the table changes (start, a rotation here
 * or on another replica via `auth.keys.rotated`), never per request.
 */
@Injectable()
export class SigningKeys implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SigningKeys.name);
  private readonly sealer: KeyEncryption;
  /** The key each algorithm signs with now; all of KEY_ALGS once a rotation has run. */
  private active = new Map<SigningAlg, Active>();
  private publicKeys = new Map<string, KeyObject>();
  private published: Jwks = { keys: [] };
  private timer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> | undefined;

  constructor(
    private readonly store: SigningKeyStore,
    private readonly bus: Bus,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {
    this.sealer = new KeyEncryption(config.keys.encryptionSecret, config.keys.encryptionInfo);
  }

  async onModuleInit(): Promise<void> {
    await this.reload();
    // Also after an upgrade from a version that kept an ES256 key only: the first rotation adds RS256.
    if (!this.complete()) await this.rotate('no usable active key for every algorithm');
    else await this.maintain();
    const every = Math.max(250, Math.min(60_000, (this.config.keys.rotationSeconds * 1000) / 4));
    this.timer = setInterval(() => void this.maintain().catch((error: unknown) => this.logger.error(`key maintenance failed: ${errorSummary(error)}`)), every);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** The key to sign access tokens with now (ES256). */
  signingKey(): ActiveKey {
    return this.signingKeyFor(SIGNING_ALG);
  }

  /** The key to sign with now for an algorithm (ID Tokens choose theirs per client). */
  signingKeyFor(alg: SigningAlg): ActiveKey {
    const key = this.active.get(alg);
    if (!key) throw new Error(`no active ${alg} signing key`);
    return key;
  }

  /** The public key for a `kid` from the JWKS, or undefined for one this service does not publish. */
  verificationKey(kid: string): KeyObject | undefined {
    return this.publicKeys.get(kid);
  }

  jwks(): Jwks {
    return this.published;
  }

  /**
   * Makes a new key the active one and retires the others. `due` rotations (the schedule) only
   * happen if no other replica rotated meanwhile. Returns the active kid.
   */
  async rotate(reason: string, onlyIfDue = false): Promise<string> {
    const candidates = await Promise.all(KEY_ALGS.map((alg) => this.generate(alg)));
    const rotated = await this.store.rotate(candidates, onlyIfDue ? (activeSince) => this.isDue(activeSince) : undefined);
    await this.reload();
    if (rotated) {
      this.logger.log(`signing keys ${candidates.map((c) => `${c.id} (${c.alg})`).join(', ')} are now active (${reason})`);
      await this.announce();
    }
    return this.signingKey().kid;
  }

  /** Re-reads the table: on start, after a rotation, and when another replica announces one. */
  reload(): Promise<void> {
    // Overlapping reloads (an event arriving during our own) share one read.
    this.reloading ??= this.read().finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  /** Rotates a key that is due and drops retired keys no unexpired token needs. */
  async maintain(): Promise<void> {
    // Also catches a rotation whose event this replica missed.
    await this.reload();
    const current = this.active.get(SIGNING_ALG);
    if (current && this.isDue(current.createdAt)) await this.rotate('scheduled', true);
    if (await this.store.dropRetired(RETIRED_GRACE_SECONDS)) {
      await this.reload();
      await this.announce();
    }
  }

  private complete(): boolean {
    return KEY_ALGS.every((alg) => this.active.has(alg));
  }

  private isDue(createdAt: Date): boolean {
    return Date.now() - createdAt.getTime() >= this.config.keys.rotationSeconds * 1000;
  }

  private async read(): Promise<void> {
    const rows = await this.store.list();
    const publicKeys = new Map<string, KeyObject>();
    const keys: Record<string, unknown>[] = [];
    const active = new Map<SigningAlg, Active>();
    for (const row of rows) {
      publicKeys.set(row.id, createPublicKey({ key: row.publicJwk as JsonWebKeyInput, format: 'jwk' }));
      keys.push({ ...row.publicJwk, kid: row.id, alg: row.alg, use: 'sig' });
      const alg = KEY_ALGS.find((known) => known === row.alg);
      if (alg && !active.has(alg) && row.retiredAt === null) {
        try {
          const der = this.sealer.open(row.privateKeyEncrypted, row.id);
          active.set(alg, {
            kid: row.id,
            key: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }),
            header: accessTokenHeader(SIGNING_ALG, row.id),
            idTokenHeader: idTokenHeader(alg, row.id),
            createdAt: row.createdAt,
          });
        } catch {
          // A changed KEY_ENCRYPTION_SECRET (or ADMIN_SECRET it derives from): this key cannot sign.
          this.logger.error(`signing key ${row.id} cannot be decrypted with the configured secret; a new key will be made`);
        }
      }
    }
    this.publicKeys = publicKeys;
    this.published = { keys };
    this.active = active;
  }

  private async generate(alg: SigningAlg): Promise<SigningKeyCandidate> {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, modulusLength: RSA_MODULUS_BITS });
    const jwk: JWK = await exportJWK(publicKey);
    // The public members only (RFC 7518 §6.2.1, §6.3.1), in the order the thumbprint wants them.
    const publicJwk = jwk.kty === 'RSA' ? { kty: jwk.kty, n: jwk.n, e: jwk.e } : { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
    const kid = await calculateJwkThumbprint(publicJwk as JWK, 'sha256');
    const der = createPrivateKey(await exportPKCS8(privateKey)).export({ format: 'der', type: 'pkcs8' });
    return { id: kid, alg, publicJwk, privateKeyEncrypted: this.sealer.seal(der, kid) };
  }

  private async announce(): Promise<void> {
    const kid = this.active.get(SIGNING_ALG)?.kid;
    if (!kid) return;
    await publishQuietly(this.bus, subjects.authKeysRotated, { kid }, this.logger);
  }
}

type JsonWebKeyInput = Parameters<typeof createPublicKey>[0] extends infer T ? (T extends { format: 'jwk'; key: infer K } ? K : never) : never;
