import { isHttpUrl } from '@portcullis/domain';
import { PortcullisError, type ErrorDetail } from '@portcullis/errors';
import { callProvider } from './provider-http.js';

const WELL_KNOWN = '/.well-known/openid-configuration';

/** What the portal needs of a provider's discovery document (OpenID Connect Discovery 1.0 §3). */
export interface DiscoveredEndpoints {
  issuer: string;
  registration_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

/** What the admin configured, to be checked against what the provider says it supports. */
export interface RegistrationSettings {
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: string;
}

/** The discovery URL of an issuer, or the URL itself when it already names the document. */
export function discoveryUrlOf(issuerOrUrl: string): { url: string; issuer: string } {
  const at = issuerOrUrl.indexOf(WELL_KNOWN);
  if (at >= 0) return { url: issuerOrUrl, issuer: issuerOrUrl.slice(0, at) };
  return { url: issuerOrUrl.replace(/\/+$/, '') + WELL_KNOWN, issuer: issuerOrUrl };
}

/**
 * Fetches and checks a provider's discovery document: the endpoints DCR and the gateway need, an
 * issuer identical to the one it is published under (Discovery §4.3: no trailing-slash leniency
 * beyond the URL we built), and support for what the admin chose. Every problem is reported at once.
 */
export async function discoverProvider(issuerOrUrl: string, settings: RegistrationSettings): Promise<DiscoveredEndpoints> {
  const { url, issuer: expectedIssuer } = discoveryUrlOf(issuerOrUrl);
  const answer = await callProvider({ method: 'GET', url, purpose: 'discovery' });
  if (answer.status !== 200 || answer.json === null || typeof answer.json !== 'object' || Array.isArray(answer.json)) {
    throw new PortcullisError(
      'provider_unavailable',
      `The identity provider's discovery document at ${url} could not be read (HTTP ${answer.status}${answer.json === undefined ? ', not JSON' : ''})`,
    );
  }
  const document = answer.json as Record<string, unknown>;
  const problems: string[] = [];
  const endpoint = (name: keyof DiscoveredEndpoints): string => {
    const value = document[name];
    if (typeof value !== 'string' || !isHttpUrl(value)) {
      problems.push(
        name === 'registration_endpoint' ? 'has no registration_endpoint: dynamic client registration is not enabled there' : `has no valid ${name}`,
      );
      return '';
    }
    return value;
  };
  const discovered = {
    issuer: endpoint('issuer'),
    registration_endpoint: endpoint('registration_endpoint'),
    token_endpoint: endpoint('token_endpoint'),
    jwks_uri: endpoint('jwks_uri'),
  };
  if (discovered.issuer !== '' && discovered.issuer !== expectedIssuer && discovered.issuer !== expectedIssuer.replace(/\/+$/, '')) {
    problems.push(`names issuer ${JSON.stringify(discovered.issuer)}, not ${JSON.stringify(expectedIssuer)}`);
  }
  unsupported(document, 'grant_types_supported', settings.grant_types, 'grant type', problems);
  unsupported(document, 'response_types_supported', settings.response_types, 'response type', problems);
  unsupported(document, 'token_endpoint_auth_methods_supported', [settings.token_endpoint_auth_method], 'token endpoint auth method', problems);
  if (problems.length > 0) {
    const details: ErrorDetail[] = problems.map((problem) => ({ field: 'discovery_url', message: `the discovery document at ${url} ${problem}` }));
    throw new PortcullisError('validation_failed', 'The identity provider cannot be used for dynamic client registration', details);
  }
  return discovered;
}

/** Only checked when the provider lists what it supports (the lists are optional in Discovery §3). */
function unsupported(document: Record<string, unknown>, field: string, wanted: string[], what: string, problems: string[]): void {
  const supported = document[field];
  if (!Array.isArray(supported)) return;
  for (const value of wanted) if (!supported.includes(value)) problems.push(`does not list ${what} ${JSON.stringify(value)} in ${field}`);
}
