import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { PortcullisError } from '@portcullis/errors';
import { errorSummary } from '@portcullis/logging';
import * as oidc from 'openid-client';

/** Seconds a request to the provider may take (discovery, token, userinfo). */
const PROVIDER_TIMEOUT_SECONDS = 5;

/** A configured OpenID Provider and this registry's client there (PORTAL_OIDC_*, CONSOLE_OIDC_*). */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** What the pages call it: "Sign in with <name>". */
  name: string;
}

/** Who signs in through a relying party, as its pages and log say it. */
export interface OidcAudience {
  /** The log's context: PortalOidc, ConsoleOidc. */
  logContext: string;
  /** What is signed in to: "the portal", "the console". */
  place: string;
  /** Where a failed sign-in starts again: "the login page". */
  startPage: string;
  /** What it asks the provider for: "openid email" (who the person is, and their email). */
  scope: string;
}
/** The checks an authorization request was sent with, to hold its response to. */
export interface AuthorizationChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** What the provider says about the person, from the verified ID Token or its userinfo. */
export interface ProviderIdentity {
  subject: string;
  email: string | undefined;
  /** Only a boolean `true` counts (OpenID Connect Core §5.1). */
  emailVerified: boolean;
}

/**
 * The registry as a relying party of one configured OpenID Provider (one instance for the portal's,
 * one for the console's), through openid-client: discovery (tried at start, and again at the next
 * sign-in while it fails, so a provider that is down does not stop the registry), the authorization
 * code flow with PKCE (S256), state and nonce, and the ID Token's verification (signature against
 * the provider's JWKS, iss, aud, exp, nonce). Failures become the registry's errors, with the
 * provider's own words where it gave some.
 */
export class OidcRelyingParty implements OnApplicationBootstrap {
  private readonly logger: Logger;
  private discovered: Promise<oidc.Configuration> | null = null;

  constructor(
    private readonly settings: OidcSettings | null,
    private readonly audience: OidcAudience,
  ) {
    this.logger = new Logger(audience.logContext);
  }

  /** The provider's name for the pages, or null when none is configured. */
  get name(): string | null {
    return this.settings?.name ?? null;
  }

  onApplicationBootstrap(): void {
    if (!this.settings) return;
    const { issuer } = this.settings;
    if (issuer.startsWith('http:'))
      this.logger.warn(`the OpenID Provider of ${this.audience.place} ${issuer} is reached over plain http: use https outside tests`);
    // Not awaited: the registry serves its other pages while the provider is down.
    this.configuration().then(
      () => this.logger.log(`OpenID Provider ${issuer} discovered`),
      // Logged where it failed; the next sign-in tries again.
      () => undefined,
    );
  }

  /** Where to send the browser, with fresh checks to keep for the callback. */
  async authorizationRequest(redirectUri: string): Promise<{ url: URL; checks: AuthorizationChecks }> {
    const config = await this.configuration();
    const checks: AuthorizationChecks = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: this.audience.scope,
      response_type: 'code',
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, checks };
  }

  /**
   * The callback's answer (`callbackUrl`: the redirect URI with the query the provider sent) held to
   * `checks`, the code exchanged for tokens, the ID Token verified; the email and email_verified from
   * the ID Token, or from userinfo when the ID Token carries no email (for the ID Token's subject).
   */
  async identify(callbackUrl: URL, checks: AuthorizationChecks): Promise<ProviderIdentity> {
    const config = await this.configuration();
    const name = this.settings!.name;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        pkceCodeVerifier: checks.codeVerifier,
        idTokenExpected: true,
      });
      const claims = tokens.claims()!;
      if (typeof claims.email === 'string') return { subject: claims.sub, email: claims.email, emailVerified: claims.email_verified === true };
      const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      return { subject: claims.sub, email: typeof info.email === 'string' ? info.email : undefined, emailVerified: info.email_verified === true };
    } catch (error) {
      throw this.refusal(error, name);
    }
  }

  /** The discovered provider: once found, kept (openid-client fetches its keys again when they rotate). */
  private configuration(): Promise<oidc.Configuration> {
    const settings = this.settings;
    if (!settings) return Promise.reject(new PortcullisError('not_found', `${capitalized(this.audience.place)} has no OpenID Provider to sign in with.`));
    if (!this.discovered) {
      const attempt = oidc
        .discovery(new URL(settings.issuer), settings.clientId, undefined, oidc.ClientSecretBasic(settings.clientSecret), {
          timeout: PROVIDER_TIMEOUT_SECONDS,
          // Plain http only where the operator configured it so (tests, a provider on the same host).
          execute: settings.issuer.startsWith('http:') ? [oidc.allowInsecureRequests] : [],
        })
        .catch((error: unknown) => {
          // Not kept: the next sign-in tries again.
          if (this.discovered === attempt) this.discovered = null;
          this.logger.warn(`OpenID Provider ${settings.issuer} could not be discovered (tried again at the next sign-in): ${errorSummary(error)}`);
          throw new PortcullisError(
            'provider_unavailable',
            `${settings.name} cannot be reached just now, so signing in with it is not possible. Try again in a moment.`,
          );
        });
      this.discovered = attempt;
    }
    return this.discovered;
  }

  /** openid-client's failures as the page should tell them; the details of the unexpected go to the log. */
  private refusal(error: unknown, name: string): PortcullisError {
    if (error instanceof oidc.AuthorizationResponseError) {
      // RFC 6749 §4.1.2.1: the provider's error answer (the person cancelled, or was not let in).
      const description = error.error_description ? `: ${error.error_description}` : '';
      return new PortcullisError('access_denied', `${name} did not sign you in (${error.error}${description}).`);
    }
    if (error instanceof oidc.ResponseBodyError) {
      this.logger.warn(`OpenID Provider refused the code exchange or userinfo: ${error.error} ${error.error_description ?? ''}`);
      return new PortcullisError('provider_refused', `${name} refused to complete the sign-in (${error.error}). Start again from ${this.audience.startPage}.`);
    }
    if (error instanceof oidc.ClientError && (error.code === 'OAUTH_TIMEOUT' || error.code === 'OAUTH_ABORT')) {
      this.logger.warn(`OpenID Provider did not answer in time during a sign-in: ${errorSummary(error)}`);
      return new PortcullisError('provider_unavailable', `${name} did not answer in time, so the sign-in could not finish. Try again in a moment.`);
    }
    if (error instanceof oidc.ClientError) {
      this.logger.warn(`OpenID Provider's answer failed verification: ${error.code ?? ''} ${error.message}`);
      return new PortcullisError(
        'provider_refused',
        `The answer from ${name} could not be verified, so you are not signed in. Start again from ${this.audience.startPage}.`,
      );
    }
    this.logger.warn(`OpenID Provider could not be reached during a sign-in: ${errorSummary(error)}`);
    return new PortcullisError('provider_unavailable', `${name} cannot be reached just now, so the sign-in could not finish. Try again in a moment.`);
  }
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
