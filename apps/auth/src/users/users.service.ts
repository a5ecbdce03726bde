import { Injectable } from '@nestjs/common';
import type { UserSummary } from '@portcullis/contracts';
import { applyClaimsPatch, validateStandardClaims, validateStandardClaimsPatch } from '@portcullis/domain';
import { PortcullisError } from '@portcullis/errors';
import type { Throttled } from '@portcullis/database';
import { hashPassword, verifyPasswordHash } from '@portcullis/http';
import { randomUUID } from 'node:crypto';
import { UserLoginThrottle } from '../storage/failure-throttles.js';
import { validateUserInput } from './user-input.js';
import type { UserRecord } from '../storage/user.entity.js';
import { UserStore } from '../storage/user-store.js';

/**
 * Resource owners known to the auth service: who may sign in on the built-in login page and use the
 * password grant. Only a slow hash of each password is kept.
 */
@Injectable()
export class UsersService {
  /** Checked for unknown usernames so an answer takes as long whether or not the user exists. */
  private readonly dummyHash = hashPassword('portcullis: no such user');

  constructor(
    private readonly store: UserStore,
    private readonly throttle: UserLoginThrottle,
  ) {}

  /** A new user, with the standard claims to start with (none when `claims` is undefined). */
  async create(username: string, password: string, claims?: unknown): Promise<UserSummary> {
    const checked = validateUserInput({ username, password });
    const checkedClaims = validateStandardClaims(claims ?? {});
    const errors = [...(checked.ok ? [] : checked.errors), ...(checkedClaims.ok ? [] : checkedClaims.errors)];
    if (!checked.ok || !checkedClaims.ok) throw new PortcullisError('validation_failed', undefined, errors);
    const now = new Date();
    const record: UserRecord = {
      id: randomUUID(),
      username: checked.value.username,
      passwordHash: await hashPassword(checked.value.password),
      createdAt: now,
      disabled: false,
      claims: checkedClaims.value,
      updatedAt: now,
    };
    if (!(await this.store.insert(record))) {
      throw new PortcullisError('conflict', 'A user with this username already exists', [{ field: 'username', message: 'is taken' }]);
    }
    return summary(record);
  }

  /**
   * A login (the login page, the password grant): the password checked under the username's
   * brute-force throttle, so a locked username is refused before any scrypt is spent.
   */
  logIn(username: string, password: string): Promise<Throttled<{ sub: string }>> {
    const account = typeof username === 'string' ? username.normalize('NFC') : '';
    return this.throttle.guard(account, () => this.verifyPassword(username, password));
  }

  /** An admin lifts the lock that failed logins put on the user's name. */
  async unlock(id: string): Promise<void> {
    const valid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
    const record = valid ? await this.store.find(id) : null;
    if (!record) throw new PortcullisError('not_found', `No user with id ${JSON.stringify(id)}`);
    await this.throttle.clear(record.username);
  }

  /** The user's subject when the password is right and the user enabled; null otherwise, in about the same time. */
  async verifyPassword(username: string, password: string): Promise<{ sub: string } | null> {
    if (typeof username !== 'string' || typeof password !== 'string' || username.length > 128 || password.length > 1024) return null;
    const record = await this.store.findByUsername(username.normalize('NFC'));
    const matches = await verifyPasswordHash(password, record?.passwordHash ?? (await this.dummyHash));
    return record && matches && !record.disabled ? { sub: record.id } : null;
  }

  async get(id: string): Promise<UserSummary> {
    return summary(await this.existing(id));
  }

  /** Changes the user's standard claims: each one given replaces the old value, null removes it. */
  async updateClaims(id: string, patch: unknown): Promise<UserSummary> {
    const checked = validateStandardClaimsPatch(patch ?? {});
    if (!checked.ok) throw new PortcullisError('validation_failed', undefined, checked.errors);
    const record = await this.existing(id);
    const claims = applyClaimsPatch(record.claims, checked.value);
    const updatedAt = new Date();
    if (!(await this.store.updateClaims(record.id, claims, updatedAt))) throw notFound(id);
    return summary({ ...record, claims, updatedAt });
  }

  private async existing(id: string): Promise<UserRecord> {
    const record = await this.store.find(id);
    if (!record) throw notFound(id);
    return record;
  }

  async list(): Promise<UserSummary[]> {
    const records = await this.store.list();
    return records.map(summary);
  }

  async delete(id: string): Promise<void> {
    const valid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
    if (!valid || !(await this.store.delete(id))) throw new PortcullisError('not_found', `No user with id ${JSON.stringify(id)}`);
  }
}

function summary(record: UserRecord): UserSummary {
  return {
    id: record.id,
    username: record.username,
    ...record.claims,
    created_at: record.createdAt.toISOString(),
    updated_at: record.updatedAt.toISOString(),
    disabled: record.disabled,
  };
}

const notFound = (id: string) => new PortcullisError('not_found', `No user with id ${JSON.stringify(id)}`);
