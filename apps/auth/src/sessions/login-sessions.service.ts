import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ConsentSummary, LoginSessionSummary } from '@portcullis/contracts';
import { PortcullisError } from '@portcullis/errors';
import { errorSummary } from '@portcullis/logging';
import { randomBytes, randomUUID } from 'node:crypto';
import { AUTH_CONFIG, type AuthConfig } from '../config.js';
import type { LoginSessionRecord } from '../storage/login-session.entity.js';
import { ConsentStore, LoginSessionStore } from '../storage/login-session-store.js';
import { UserStore } from '../storage/user-store.js';
import { hashToken } from '../tokens/token-issuer.js';

/** A live login session: who signed in, when, and how. */
export interface LoginSession {
  id: string;
  sub: string;
  authTime: Date;
  amr: string[];
}

/** 32 random bytes, base64url: what the cookie holds. Anything else is not worth a lookup. */
const tokenSyntax = /^[A-Za-z0-9_-]{43}$/;
const uuidSyntax = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The auth service's login sessions (OIDC Core §3.1.2.3): started by a password sign-in at the login
 * page, found by the cookie's token (by its SHA-256: a stolen table holds no usable cookie), ended by
 * logout, by an admin, or by running out (AUTH_SESSION_TTL).
 */
@Injectable()
export class LoginSessions implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(LoginSessions.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: LoginSessionStore,
    private readonly users: UserStore,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  get ttlSeconds(): number {
    return this.config.session.ttlSeconds;
  }

  onModuleInit(): void {
    this.timer = setInterval(
      () => void this.store.prune().catch((error: unknown) => this.logger.warn(`pruning ended login sessions failed: ${errorSummary(error)}`)),
      60 * 60_000,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Starts a session for a user who just signed in; returns the cookie's token (shown once, kept only hashed). */
  async start(sub: string, amr: string[], authTime = new Date()): Promise<{ token: string; session: LoginSession }> {
    const token = randomBytes(32).toString('base64url');
    const record: LoginSessionRecord = {
      id: randomUUID(),
      tokenHash: hashToken(token),
      sub,
      authTime,
      amr: amr.join(' '),
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + this.ttlSeconds * 1000),
      revokedAt: null,
    };
    await this.store.insert(record);
    return { token, session: toSession(record) };
  }

  /** The live session a cookie's token stands for, if its user still exists and may sign in. */
  async find(token: string | undefined): Promise<LoginSession | null> {
    if (token === undefined || !tokenSyntax.test(token)) return null;
    const record = await this.store.findLive(hashToken(token));
    if (!record) return null;
    const user = await this.users.find(record.sub);
    return user && !user.disabled ? toSession(record) : null;
  }

  /** Logout: the session is over, whatever the cookie does later. */
  async end(session: LoginSession): Promise<void> {
    await this.store.revokeById(session.id);
  }

  async list(userId: string): Promise<LoginSessionSummary[]> {
    const records = uuidSyntax.test(userId) ? await this.store.listLive(userId) : [];
    return records.map((record) => ({
      id: record.id,
      user_id: record.sub,
      auth_time: record.authTime.toISOString(),
      amr: record.amr.split(' ').filter(Boolean),
      expires_at: record.expiresAt.toISOString(),
    }));
  }

  /** An admin ends one session of a user, or all of them. One that is not live is not found. */
  async revoke(userId: string, id?: string): Promise<number> {
    if (id !== undefined && !uuidSyntax.test(id)) throw new PortcullisError('not_found', `No live session with id ${JSON.stringify(id)}`);
    const revoked = uuidSyntax.test(userId) ? await this.store.revoke(userId, id) : 0;
    if (id !== undefined && revoked === 0) throw new PortcullisError('not_found', `No live session with id ${JSON.stringify(id)}`);
    return revoked;
  }
}

function toSession(record: LoginSessionRecord): LoginSession {
  return { id: record.id, sub: record.sub, authTime: record.authTime, amr: record.amr.split(' ').filter(Boolean) };
}

/** Consent remembered per user and client (OIDC Core §3.1.2.4): the union of the scopes approved. */
@Injectable()
export class Consents {
  constructor(private readonly store: ConsentStore) {}

  /** Whether the user approved every scope of this request for this client before. */
  async covers(sub: string, clientId: string, scope: string): Promise<boolean> {
    const consent = await this.store.find(sub, clientId);
    if (!consent) return false;
    const granted = new Set(consent.scope.split(' '));
    return scope
      .split(' ')
      .filter(Boolean)
      .every((token) => granted.has(token));
  }

  async grant(sub: string, clientId: string, scope: string): Promise<void> {
    const existing = await this.store.find(sub, clientId);
    const scopes = new Set([...(existing?.scope ?? '').split(' '), ...scope.split(' ')].filter(Boolean));
    await this.store.save({ sub, clientId, scope: [...scopes].sort().join(' '), grantedAt: new Date() });
  }

  async list(userId: string): Promise<ConsentSummary[]> {
    const records = await this.store.list(userId);
    return records.map((record) => ({ user_id: record.sub, client_id: record.clientId, scope: record.scope, granted_at: record.grantedAt.toISOString() }));
  }

  async revoke(userId: string, clientId?: string): Promise<number> {
    const revoked = await this.store.delete(userId, clientId);
    if (clientId !== undefined && revoked === 0) throw new PortcullisError('not_found', `No consent for client ${JSON.stringify(clientId)}`);
    return revoked;
  }
}
