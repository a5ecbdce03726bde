import { Inject, Injectable, Logger } from '@nestjs/common';
import { PortcullisError } from '@portcullis/errors';
import { hashPassword, sha256Hex, spendVerification, verifyPasswordHash } from '@portcullis/http';
import { randomBytes, randomUUID } from 'node:crypto';
import type { RegistryConfig } from '../../config.js';
import { REGISTRY_CONFIG } from '../../registry-config.token.js';
import { AppsService } from '../apps/apps.service.js';
import { invalid, isUuid } from '../field-errors.js';
import { DeveloperStore } from '../storage/developer-store.js';
import { PortalSessionStore } from '../storage/portal-session-store.js';
import type { Developer, DeveloperStatus } from '../portal-types.js';
import { emailSchema, normaliseEmail, passwordProblems, validSignUp } from './developer-input.js';
import { DeveloperRecord } from './developer.entity.js';
import { errorSummary } from '@portcullis/logging';

const RESET_LINK_TTL_MS = 60 * 60 * 1000;

export function developerNotFound(id: string): PortcullisError {
  return new PortcullisError('not_found', `No developer with id ${JSON.stringify(id)}`);
}

/**
 * Developer accounts: sign-up, login checks, the admin's approval and blocking, and password
 * reset links. A developer's credentials live in their apps (AppsService), revoked from here when
 * the developer is blocked or deleted.
 */
@Injectable()
export class DevelopersService {
  private readonly logger = new Logger(DevelopersService.name);

  constructor(
    private readonly store: DeveloperStore,
    private readonly sessions: PortalSessionStore,
    private readonly apps: AppsService,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
  ) {}

  /**
   * A visitor's sign-up as the pages answer it: the status a new account gets, the same whether or
   * not the email was taken, after the same scrypt, so the form tells no one which emails exist. A
   * taken email's account is left as it was (its owner logs in with their own password). Invalid
   * input is still refused with every field named.
   */
  async signUpQuietly(email: unknown, password: unknown): Promise<DeveloperStatus> {
    try {
      return (await this.signUp(email, password)).status;
    } catch (error) {
      if (error instanceof PortcullisError && error.code === 'conflict') return this.config.portal.requireApproval ? 'pending' : 'active';
      throw error;
    }
  }

  /** Pending until an admin approves when PORTAL_REQUIRE_APPROVAL is set, else active at once. */
  async signUp(email: unknown, password: unknown): Promise<Developer> {
    const valid = validSignUp(email, password);
    // Hashed before the email is looked up, so a taken one costs the same scrypt (see signUpQuietly).
    const passwordHash = await hashPassword(valid.password);
    if (await this.store.existsWithEmail(valid.email)) throw emailTaken();
    const now = new Date();
    const record: DeveloperRecord = Object.assign(new DeveloperRecord(), {
      id: randomUUID(),
      email: valid.email,
      passwordHash,
      status: (this.config.portal.requireApproval ? 'pending' : 'active') satisfies DeveloperStatus,
      createdAt: now,
      updatedAt: now,
    });
    // Two sign-ups racing past the check: the unique index decides, with the same 409.
    if (!(await this.store.insert(record))) throw emailTaken();
    return toDeveloper(record);
  }

  /**
   * The developer whose password this is, whatever the account's status (the login decides what
   * the status allows, and tells it only to the account's owner). An unknown email costs the same
   * scrypt as a wrong password.
   */
  async withPassword(email: unknown, password: unknown): Promise<Developer | null> {
    if (typeof password !== 'string' || password.length === 0 || password.length > 1024) return null;
    const record = await this.recordByEmail(email);
    // An account without a password (made through the OpenID Provider) costs the same scrypt as an unknown email.
    if (!record?.passwordHash) {
      await spendVerification(password);
      return null;
    }
    return (await verifyPasswordHash(password, record.passwordHash)) ? toDeveloper(record) : null;
  }

  /**
   * The developer whose email the OpenID Provider vouched for (`email_verified`): the account with
   * that email, whatever its status (the sign-in decides what the status allows), or a new one
   * without a password, pending or active as a sign-up would be. The admin chose to trust that
   * provider, so its verified email is as good as the password of an account with that email.
   */
  async withVerifiedEmail(email: string): Promise<Developer> {
    const normalised = normaliseEmail(email);
    if (!emailSchema.safeParse(normalised).success) throw invalid([{ field: 'email', message: 'must be an email address' }]);
    const existing = await this.store.findByEmail(normalised);
    if (existing) return toDeveloper(existing);
    const now = new Date();
    const record: DeveloperRecord = Object.assign(new DeveloperRecord(), {
      id: randomUUID(),
      email: normalised,
      passwordHash: null,
      status: (this.config.portal.requireApproval ? 'pending' : 'active') satisfies DeveloperStatus,
      createdAt: now,
      updatedAt: now,
    });
    if (await this.store.insert(record)) return toDeveloper(record);
    // Two first sign-ins racing (or a sign-up in between): the unique index chose the account.
    const winner = await this.store.findByEmail(normalised);
    if (!winner) throw new Error('a developer insert lost to a unique email that is not there');
    return toDeveloper(winner);
  }

  async get(id: string): Promise<Developer> {
    return toDeveloper(await this.record(id));
  }

  async list(): Promise<Developer[]> {
    const records = await this.store.list();
    return records.map(toDeveloper);
  }

  /** Lets a pending developer in, or a blocked one back (with none of the credentials they held). */
  approve(id: string): Promise<Developer> {
    return this.setStatus(id, 'active');
  }

  /**
   * Shuts the developer out and revokes every credential they hold. Blocked first, so no new app
   * can be made while the old ones are revoked; a revocation that fails (a provider down) leaves
   * the developer blocked with what is left, and blocking again finishes the job.
   */
  async block(id: string): Promise<Developer> {
    const developer = await this.setStatus(id, 'blocked');
    // Ended now, not at their next click: approving them again must not revive a session from
    // before the block (perhaps the reason for it) that made no request meanwhile.
    await this.sessions.deleteAllFor(id);
    await this.apps.revokeAllFor(id);
    return developer;
  }

  /** Revokes every credential and deletes the apps, then the account (its reset links with it). */
  async remove(id: string): Promise<void> {
    await this.record(id);
    await this.setStatus(id, 'blocked');
    await this.apps.revokeAllFor(id);
    await this.store.delete(id);
  }

  /**
   * A single-use link, valid one hour, for the admin to hand over. Only the token's SHA-256 is
   * stored; a new link replaces the developer's earlier ones.
   */
  async createResetLink(id: string): Promise<{ url: string; expires_at: string }> {
    await this.record(id);
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + RESET_LINK_TTL_MS);
    await this.store.replaceResetLink(id, sha256Hex(token), expiresAt, now);
    return { url: `${this.config.portal.publicUrl}/portal/reset/${token}`, expires_at: expiresAt.toISOString() };
  }

  /** Whether a reset link is still good, so the page can say so before asking for a password. */
  async resetLinkValid(token: unknown): Promise<boolean> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 256) return false;
    const record = await this.store.findResetLink(sha256Hex(token));
    return record !== null && record.expiresAt.getTime() > Date.now();
  }

  /**
   * Sets the new password, spends the link (deleting it is what makes it single-use, even under
   * races) and ends the developer's portal sessions.
   */
  async resetPassword(token: unknown, newPassword: unknown): Promise<Developer> {
    const problems = passwordProblems(newPassword);
    if (problems.length > 0) throw invalid(problems);
    if (typeof token !== 'string' || token.length === 0 || token.length > 256) throw resetLinkInvalid();
    const passwordHash = await hashPassword(newPassword as string);
    const developer = await this.store.resetPassword(sha256Hex(token), passwordHash);
    if (!developer) throw resetLinkInvalid();
    // Expired links nobody used: cleared on the way, so the table stays small.
    await this.store.pruneResetLinks(new Date()).catch((error: unknown) => {
      this.logger.warn(`could not clear expired reset links: ${errorSummary(error)}`);
    });
    return toDeveloper(developer);
  }

  private async setStatus(id: string, status: DeveloperStatus): Promise<Developer> {
    const record = await this.record(id);
    if (record.status !== status) {
      record.status = status;
      record.updatedAt = new Date();
      await this.store.setStatus(id, status, record.updatedAt);
    }
    return toDeveloper(record);
  }

  private async record(id: string): Promise<DeveloperRecord> {
    const record = isUuid(id) ? await this.store.find(id) : null;
    if (!record) throw developerNotFound(id);
    return record;
  }

  private recordByEmail(email: unknown): Promise<DeveloperRecord | null> {
    const normalised = normaliseEmail(email);
    if (normalised === '' || normalised.length > 254) return Promise.resolve(null);
    return this.store.findByEmail(normalised);
  }
}

function emailTaken(): PortcullisError {
  return new PortcullisError('conflict', 'An account with this email already exists', [{ field: 'email', message: 'is already registered' }]);
}

function resetLinkInvalid(): PortcullisError {
  return new PortcullisError('not_found', 'This password reset link is not valid: it was used, replaced, or has expired');
}

export function toDeveloper(record: DeveloperRecord): Developer {
  return { id: record.id, email: record.email, status: record.status, created_at: record.createdAt.toISOString() };
}
