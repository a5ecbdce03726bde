import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import type { RequestedClaims } from '../claims/claims-request.js';
import { OAuthError } from '../oauth-errors/oauth-error.js';
import type { AuthorizationCodeRecord } from '../storage/authorization-code.entity.js';
import { AuthorizationCodeStore } from '../storage/authorization-code-store.js';
import { hashToken } from '../tokens/token-issuer.js';
import { errorSummary } from '@portcullis/logging';

/** RFC 6749 §4.1.2: a maximum of 10 minutes is RECOMMENDED; one minute is plenty for a redirect. */
export const CODE_LIFETIME_SECONDS = 60;

export interface CodeRequest {
  clientId: string;
  redirectUri: string;
  scope: string;
  sub: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  apiId?: string;
  nonce?: string;
  /** When the user signed in to approve this (OIDC `auth_time`); absent when nobody signed in here. */
  authTime?: Date;
  /** The claims asked for by name (OIDC Core §5.5 `claims`). */
  claims?: RequestedClaims;
}

export type CodeUse = { outcome: 'redeemed'; code: AuthorizationCodeRecord } | { outcome: 'reused'; code: AuthorizationCodeRecord } | { outcome: 'invalid' };

const challengeSyntax = /^[A-Za-z0-9_-]{43}$/; // base64url of a SHA-256 digest

/** Authorization codes: issued by the authorize step, redeemed once by the token endpoint. */
@Injectable()
export class AuthorizationCodesService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(AuthorizationCodesService.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly store: AuthorizationCodeStore) {}

  onModuleInit(): void {
    this.timer = setInterval(
      () => void this.prune().catch((error: unknown) => this.logger.warn(`pruning expired codes failed: ${errorSummary(error)}`)),
      10 * 60_000,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Returns the code; only its SHA-256 is kept. PKCE is S256 or nothing (RFC 9700 §2.1.1: no plain). */
  async issue(request: CodeRequest): Promise<string> {
    if (request.codeChallengeMethod !== undefined || request.codeChallenge !== undefined) {
      if ((request.codeChallengeMethod ?? 'plain') !== 'S256') throw new OAuthError('invalid_request', 'code_challenge_method must be S256');
      if (!request.codeChallenge || !challengeSyntax.test(request.codeChallenge))
        throw new OAuthError('invalid_request', 'code_challenge must be a base64url SHA-256 digest');
    }
    const code = randomBytes(32).toString('base64url');
    await this.store.insert({
      codeHash: hashToken(code),
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      scope: request.scope,
      sub: request.sub,
      apiId: request.apiId ?? null,
      nonce: request.nonce ?? null,
      authTime: request.authTime ?? null,
      claims: request.claims ?? null,
      codeChallenge: request.codeChallenge ?? null,
      codeChallengeMethod: request.codeChallenge ? 'S256' : null,
      familyId: randomUUID(),
      expiresAt: new Date(Date.now() + CODE_LIFETIME_SECONDS * 1000),
      usedAt: null,
    });
    return code;
  }

  /** Marks a code used, atomically: of two redemptions exactly one wins, the other is a reuse. */
  async redeem(code: string): Promise<CodeUse> {
    const burnt = await this.store.burn(hashToken(code));
    if (!burnt) return { outcome: 'invalid' };
    return burnt.firstUse ? { outcome: 'redeemed', code: burnt.record } : { outcome: 'reused', code: burnt.record };
  }

  prune(): Promise<void> {
    return this.store.prune();
  }
}
