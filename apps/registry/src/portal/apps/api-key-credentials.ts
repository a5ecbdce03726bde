import { Injectable, Logger } from '@nestjs/common';
import { Bus } from '@portcullis/bus';
import { subjects, type KeyWriteRequest } from '@portcullis/contracts';
import { PortcullisError } from '@portcullis/errors';
import { isNotFound, renameRow, type CredentialKindHandler, type IssueContext, type ShownCredentials } from './credential-kind.js';
import { PortalAppStore } from '../storage/portal-app-store.js';
import type { PortalAppRecord } from './portal-app.entity.js';

/** A remove races a rotation at most this many times before giving up with 409. */
const MAX_REMOVE_ATTEMPTS = 3;

/**
 * API keys from the auth service, applying the entry's policy (its limits, quota and access rights;
 * its `key_expires_in`, as Tyk sets a key's expiry from the policy it is created with).
 */
@Injectable()
export class ApiKeyCredentials implements CredentialKindHandler {
  readonly kind = 'api_key' as const;
  private readonly logger = new Logger(ApiKeyCredentials.name);

  constructor(
    private readonly bus: Bus,
    private readonly apps: PortalAppStore,
  ) {}

  async create(context: IssueContext): Promise<ShownCredentials> {
    const key = await this.issue(context);
    try {
      await this.apps.insert({ ...context.app, keyHash: key.key_hash });
    } catch (error) {
      await this.revoke(key.key_hash);
      throw error;
    }
    context.app.keyHash = key.key_hash;
    return { api_key: key.key };
  }

  /**
   * New key, then the old one goes, then the app points at the new one. A step that fails revokes
   * the new key (never shown), so no key outlives the app's record of it: at worst the app is left
   * with a revoked key, and rotating again mends it. Of two rotations racing, the second loses.
   */
  async rotate(context: IssueContext): Promise<ShownCredentials> {
    const old = context.app.keyHash;
    const key = await this.issue(context);
    const updatedAt = new Date();
    try {
      if (old) await this.deleteKey(old);
      if (!(await this.apps.update(context.app.id, { keyHash: old }, { keyHash: key.key_hash, updatedAt })))
        throw new PortcullisError('conflict', 'The app changed meanwhile (rotated or deleted); try again');
    } catch (error) {
      await this.revoke(key.key_hash);
      throw error;
    }
    Object.assign(context.app, { keyHash: key.key_hash, updatedAt });
    return { api_key: key.key };
  }

  /**
   * Deletes the key the app holds, then the app, if it still holds that key: a rotation that won
   * meanwhile gave it another, which is deleted in turn (so none outlives the app).
   */
  async remove(app: PortalAppRecord): Promise<void> {
    let current: PortalAppRecord | null = app;
    for (let attempt = 0; current && attempt < MAX_REMOVE_ATTEMPTS; attempt += 1) {
      if (current.keyHash) await this.deleteKey(current.keyHash);
      if (await this.apps.delete(current.id, { keyHash: current.keyHash })) return;
      current = await this.apps.findById(app.id);
    }
    if (current) throw new PortcullisError('conflict', 'The app is being rotated; try again');
  }

  /** The key's alias follows the app's name; the rest of its session is written back as it is. */
  async rename(app: PortalAppRecord, name: string): Promise<void> {
    if (app.keyHash) {
      const ref = { key: app.keyHash, hashed: true };
      const { session } = await this.bus.request(subjects.authKeysGet, ref);
      await this.bus.request(subjects.authKeysUpdate, { ...ref, session: { ...session, alias: name } });
    }
    await renameRow(this.apps, app, name, { keyHash: app.keyHash });
  }

  private async issue(context: IssueContext): Promise<{ key: string; key_hash: string }> {
    const request: KeyWriteRequest = {
      session: {
        apply_policies: [context.entry.policy_id],
        alias: context.app.name,
        meta_data: { portal_app_id: context.app.id, portal_developer_id: context.app.developerId },
      },
    };
    const expiresIn = context.policy?.key_expires_in;
    if (typeof expiresIn === 'number' && expiresIn > 0) request.key_expires_in = expiresIn;
    const created = await this.bus.request(subjects.authKeysCreate, request);
    if (!created.key) throw new PortcullisError('internal');
    return { key: created.key, key_hash: created.key_hash };
  }

  /** A key the auth service no longer has is as revoked as can be. */
  private async deleteKey(keyHash: string): Promise<void> {
    try {
      await this.bus.request(subjects.authKeysDelete, { key: keyHash, hashed: true });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /** Undoing an issue after a failed write: logged when it fails too, the write's error is the one reported. */
  private async revoke(keyHash: string): Promise<void> {
    await this.deleteKey(keyHash).catch((error: unknown) => {
      this.logger.error(
        `could not revoke key ${keyHash.slice(0, 12)}... issued for an app that was not stored: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  }
}
