import type { OnApplicationBootstrap } from '@nestjs/common';
import { PortcullisError } from '@portcullis/errors';
import { sha256Hex } from '@portcullis/http';
import { timingSafeEqual } from 'node:crypto';
import { OidcSignInStore } from '../storage/oidc-sign-in-store.js';
import { OidcSignInRecord, type OidcSignInPurpose } from './oidc-sign-in.entity.js';
import { OidcRelyingParty, type OidcAudience, type OidcSettings } from './oidc-relying-party.js';

/** How long a person has at the provider before the sign-in must start again. */
export const SIGN_IN_TTL_SECONDS = 10 * 60;

/** States the registry makes (openid-client's randomState: 32 random bytes, base64url); nothing else is looked up. */
const STATE = /^[A-Za-z0-9_-]{43}$/;

/** Who the provider signed in: its subject, and an email address it has verified. */
export interface VerifiedIdentity {
  subject: string;
  email: string;
}

/**
 * Signing someone in through an OpenID Provider, from the button to a verified identity: one
 * instance for the portal, one for the console, each with its provider, client and callback. The
 * state, nonce and PKCE verifier stay server-side, one row per sign-in under the state's hash (and
 * its purpose), taken (deleted) by the first callback that presents it; the browser holds the state
 * in a cookie of its own, so a callback that did not start in this browser (an attacker's code,
 * login CSRF) is refused before anything is spent. What the identity may do is the pages' business.
 */
export class OidcSignIns implements OnApplicationBootstrap {
  private readonly relyingParty: OidcRelyingParty;
  private readonly redirectUri: string;

  /** `callbackUrl`: where the provider sends the browser back, registered there as the client's redirect URI. */
  constructor(
    settings: OidcSettings | null,
    private readonly audience: OidcAudience & { purpose: OidcSignInPurpose; callbackUrl: string },
    private readonly rows: OidcSignInStore,
  ) {
    this.relyingParty = new OidcRelyingParty(settings, audience);
    this.redirectUri = audience.callbackUrl;
  }

  /** The provider's name for the button, or null when there is none. */
  get providerName(): string | null {
    return this.relyingParty.name;
  }

  /** Discovery at start, so the log says early whether the provider is there (see OidcRelyingParty). */
  onApplicationBootstrap(): void {
    this.relyingParty.onApplicationBootstrap();
  }

  /** A new sign-in: where to send the browser, and the state for its cookie. `next` is already safe. */
  async begin(next: string, now = new Date()): Promise<{ url: string; state: string }> {
    const { url, checks } = await this.relyingParty.authorizationRequest(this.redirectUri);
    await this.rows.pruneExpired(now);
    await this.rows.insert(
      Object.assign(new OidcSignInRecord(), {
        stateHash: sha256Hex(checks.state),
        purpose: this.audience.purpose,
        nonce: checks.nonce,
        codeVerifier: checks.codeVerifier,
        next,
        expiresAt: new Date(now.getTime() + SIGN_IN_TTL_SECONDS * 1000),
      }),
    );
    return { url: url.href, state: checks.state };
  }

  /**
   * The provider's answer at the callback (`search`: its query string, `?` included) for the browser
   * holding `browserState`: who signed in, with an email the provider has verified (or why not), and
   * where they were going.
   */
  async complete(search: string, browserState: string | undefined): Promise<{ identity: VerifiedIdentity; next: string }> {
    const startAgain = `Start again from ${this.audience.startPage}.`;
    const state = new URLSearchParams(search).get('state') ?? '';
    if (!STATE.test(state) || !browserState || !sameState(state, browserState)) {
      throw new PortcullisError('validation_failed', `This sign-in did not start in this browser, or it was open too long. ${startAgain}`);
    }
    const pending = await this.rows.take(sha256Hex(state), this.audience.purpose, new Date());
    if (!pending) {
      throw new PortcullisError('validation_failed', `This sign-in was completed already, or it was open too long. ${startAgain}`);
    }
    const callbackUrl = new URL(`${this.redirectUri}${search}`);
    const identity = await this.relyingParty.identify(callbackUrl, { state, nonce: pending.nonce, codeVerifier: pending.codeVerifier });
    const name = this.relyingParty.name!;
    const place = this.audience.place;
    if (!identity.email) {
      throw new PortcullisError('access_denied', `${name} did not tell ${place} your email address, so it cannot sign you in. Ask ${place} administrator.`);
    }
    if (!identity.emailVerified) {
      throw new PortcullisError(
        'access_denied',
        `${name} has not verified your email address (${identity.email}), so it cannot sign you in to ${place}. Verify it there, then try again.`,
      );
    }
    return { identity: { subject: identity.subject, email: identity.email }, next: pending.next };
  }
}

function sameState(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
