import { Inject, Injectable } from '@nestjs/common';
import { PortcullisError } from '@portcullis/errors';
import { sha256Hex } from '@portcullis/http';
import { timingSafeEqual } from 'node:crypto';
import type { RegistryConfig } from '../../config.js';
import { REGISTRY_CONFIG } from '../../registry-config.token.js';
import { DeveloperLogins, type LoginOutcome } from '../developers/developer-logins.js';
import { OidcSignInStore } from '../storage/oidc-sign-in-store.js';
import { OidcSignInRecord } from './oidc-sign-in.entity.js';
import { OidcRelyingParty } from './oidc-relying-party.js';

/** How long a developer has at the provider before the sign-in must start again. */
export const SIGN_IN_TTL_SECONDS = 10 * 60;

/** Where the provider sends the browser back: register `${PORTAL_PUBLIC_URL}${OIDC_CALLBACK_PATH}` there. */
export const OIDC_CALLBACK_PATH = '/portal/login/oidc/callback';

/** States the portal makes (openid-client's randomState: 32 random bytes, base64url); nothing else is looked up. */
const STATE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Signing a developer in through the OpenID Provider, from the button to the account. The state,
 * nonce and PKCE verifier stay server-side, one row per sign-in under the state's hash, taken (deleted)
 * by the first callback that presents it; the browser holds the state in a cookie of its own, so a
 * callback that did not start in this browser (an attacker's code, login CSRF) is refused before
 * anything is spent.
 */
@Injectable()
export class OidcSignIns {
  private readonly redirectUri: string;

  constructor(
    private readonly relyingParty: OidcRelyingParty,
    private readonly rows: OidcSignInStore,
    private readonly logins: DeveloperLogins,
    @Inject(REGISTRY_CONFIG) config: RegistryConfig,
  ) {
    this.redirectUri = `${config.portal.publicUrl}${OIDC_CALLBACK_PATH}`;
  }

  /** The provider's name for the button, or null when the portal has none. */
  get providerName(): string | null {
    return this.relyingParty.name;
  }

  /** A new sign-in: where to send the browser, and the state for its cookie. `next` is already safe. */
  async begin(next: string, now = new Date()): Promise<{ url: string; state: string }> {
    const { url, checks } = await this.relyingParty.authorizationRequest(this.redirectUri);
    await this.rows.pruneExpired(now);
    await this.rows.insert(
      Object.assign(new OidcSignInRecord(), {
        stateHash: sha256Hex(checks.state),
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
   * holding `browserState`: the developer to sign in (or why not), and where they were going.
   */
  async complete(search: string, browserState: string | undefined): Promise<{ outcome: LoginOutcome; next: string }> {
    const state = new URLSearchParams(search).get('state') ?? '';
    if (!STATE.test(state) || !browserState || !sameState(state, browserState)) {
      throw new PortcullisError('validation_failed', 'This sign-in did not start in this browser, or it was open too long. Start again from the login page.');
    }
    const pending = await this.rows.take(sha256Hex(state), new Date());
    if (!pending) {
      throw new PortcullisError('validation_failed', 'This sign-in was completed already, or it was open too long. Start again from the login page.');
    }
    const callbackUrl = new URL(`${this.redirectUri}${search}`);
    const identity = await this.relyingParty.identify(callbackUrl, { state, nonce: pending.nonce, codeVerifier: pending.codeVerifier });
    const name = this.relyingParty.name!;
    if (!identity.email) {
      throw new PortcullisError('access_denied', `${name} did not tell the portal your email address, so it cannot sign you in. Ask the portal administrator.`);
    }
    if (!identity.emailVerified) {
      throw new PortcullisError(
        'access_denied',
        `${name} has not verified your email address (${identity.email}), so it cannot sign you in to the portal. Verify it there, then try again.`,
      );
    }
    return { outcome: await this.logins.withVerifiedEmail(identity.email), next: pending.next };
  }
}

function sameState(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
