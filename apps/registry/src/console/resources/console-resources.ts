import { Injectable } from '@nestjs/common';
import { Bus } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import { keyExpiresIn, type ApiDefinition, type Policy } from '@portcullis/domain';
import { PortcullisError } from '@portcullis/errors';
import { ApisService } from '../../apis/apis.service.js';
import { PoliciesService } from '../../policies/policies.service.js';
import { CatalogueService } from '../../portal/catalogue/catalogue.service.js';
import { ProvidersService } from '../../portal/providers/providers.service.js';
import type { ResourceKind } from './resource-kind.js';

const docs = (page: string) => `The fields are documented in docs/${page}; the admin API checks them as it would a request.`;
const yesNo = (value: unknown) => (value === false ? 'no' : 'yes');
const count = (value: unknown) => String(Array.isArray(value) ? value.length : value && typeof value === 'object' ? Object.keys(value).length : 0);

/** Every kind the console edits, keyed by its address (`/console/<slug>`). */
@Injectable()
export class ConsoleResources {
  readonly kinds: ReadonlyMap<string, ResourceKind>;

  constructor(apis: ApisService, policies: PoliciesService, catalogue: CatalogueService, providers: ProvidersService, bus: Bus) {
    const all: ResourceKind[] = [
      apiKind(apis),
      policyKind(policies),
      keyKind(bus, policies),
      oauthClientKind(bus),
      catalogueKind(catalogue),
      providerKind(providers),
    ];
    this.kinds = new Map(all.map((kind) => [kind.slug, kind]));
  }

  /** The kind at `slug`, or a 404. */
  kind(slug: string): ResourceKind {
    const kind = this.kinds.get(slug);
    if (!kind) throw new PortcullisError('not_found', 'The console has no such section.');
    return kind;
  }
}

function apiKind(apis: ApisService): ResourceKind {
  return {
    slug: 'apis',
    title: 'APIs',
    singular: 'API',
    description: 'Every API the gateways route, in the Tyk classic API definition format. A change reaches every gateway at once.',
    hint: docs('gateway.md (Tyk classic API definitions)'),
    columns: ['API id', 'Name', 'Listen path', 'Target', 'Active'],
    creatable: true,
    deletable: true,
    list: async () =>
      (await apis.list()).map((api: ApiDefinition) => ({
        id: api.api_id,
        cells: [api.api_id, api.name ?? '', api.proxy.listen_path, api.proxy.target_url ?? '', yesNo(api.active)],
      })),
    get: (id) => apis.get(id),
    template: () => ({ name: 'My API', proxy: { listen_path: '/my-api/', target_url: 'http://upstream.internal:8080', strip_listen_path: true } }),
    create: async (document) => ({ id: (await apis.create(document)).api_id, secrets: [] }),
    update: async (id, document) => void (await apis.update(id, document)),
    remove: (id) => apis.remove(id),
  };
}

function policyKind(policies: PoliciesService): ResourceKind {
  return {
    slug: 'policies',
    title: 'Policies',
    singular: 'policy',
    description: 'Rate limits, quotas and access rights that keys and OAuth clients apply (Tyk policies).',
    hint: docs('policies-and-limits.md'),
    columns: ['Policy id', 'Name', 'Rate', 'Quota', 'APIs'],
    creatable: true,
    deletable: true,
    list: async () =>
      (await policies.list()).map((policy: Policy) => ({
        id: policy.id,
        cells: [
          policy.id,
          policy.name ?? '',
          policy.rate > 0 ? `${policy.rate} per ${policy.per} s` : 'none',
          policy.quota_max < 0 ? 'unlimited' : String(policy.quota_max),
          count(policy.access_rights),
        ],
      })),
    get: (id) => policies.get(id),
    template: () => ({ name: 'Gold', rate: 100, per: 60, quota_max: -1, access_rights: {} }),
    create: async (document) => ({ id: (await policies.create(document)).id, secrets: [] }),
    update: async (id, document) => void (await policies.update(id, document)),
    remove: (id) => policies.remove(id),
  };
}

/** Keys are the auth service's; they are addressed by their hash (the key itself is shown once). */
function keyKind(bus: Bus, policies: PoliciesService): ResourceKind {
  return {
    slug: 'keys',
    title: 'Keys',
    singular: 'key',
    description: 'API keys (Tyk sessions), kept by the auth service as hashes: a key is shown once, when it is created.',
    hint: docs('authentication.md (the Tyk session object)'),
    columns: ['Key hash', 'Alias', 'Policies', 'Expires'],
    creatable: true,
    deletable: true,
    list: async () =>
      (await bus.request(subjects.authKeysList, {})).map((record) => ({
        id: record.key_hash,
        cells: [
          record.key_hash,
          typeof record.session.alias === 'string' ? record.session.alias : '',
          record.session.apply_policies.join(', '),
          record.session.expires > 0 ? new Date(record.session.expires * 1000).toISOString() : 'never',
        ],
      })),
    get: async (id) => (await bus.request(subjects.authKeysGet, { key: id, hashed: true })).session,
    template: () => ({ alias: 'my-key', apply_policies: [], access_rights: {}, rate: 0, per: 0, quota_max: -1, expires: 0 }),
    create: async (document) => {
      const expiresIn = keyExpiresIn(document, new Map((await policies.list()).map((policy) => [policy.id, policy])));
      const created = await bus.request(subjects.authKeysCreate, { session: document, ...(expiresIn === undefined ? {} : { key_expires_in: expiresIn }) });
      const secrets = [{ label: 'Key', value: created.key ?? '' }];
      if (created.hmac_string !== undefined) secrets.push({ label: 'HMAC secret', value: created.hmac_string });
      return { id: created.key_hash, secrets };
    },
    update: async (id, document) => void (await bus.request(subjects.authKeysUpdate, { key: id, hashed: true, session: document })),
    remove: async (id) => void (await bus.request(subjects.authKeysDelete, { key: id, hashed: true })),
  };
}

function oauthClientKind(bus: Bus): ResourceKind {
  return {
    slug: 'oauth-clients',
    title: 'OAuth clients',
    singular: 'OAuth client',
    description: 'OAuth 2.0 clients of the auth service. A confidential client’s secret is shown once, when it is created.',
    hint: docs('oauth.md (client metadata, RFC 7591 names)'),
    columns: ['Client id', 'Name', 'Grant types', 'APIs'],
    creatable: true,
    deletable: true,
    list: async () =>
      (await bus.request(subjects.authClientsList, {})).map((client) => ({
        id: client.client_id,
        cells: [client.client_id, client.client_name ?? '', client.grant_types.join(', '), client.api_ids.join(', ')],
      })),
    // The metadata the auth service takes back: its timestamps are its own, and a write carrying them is refused.
    get: async (id) => {
      const { created_at: _created, updated_at: _updated, ...metadata } = await bus.request(subjects.authClientsGet, { client_id: id });
      return metadata;
    },
    template: () => ({ client_name: 'My service', grant_types: ['client_credentials'], api_ids: [], scope: '' }),
    create: async (document) => {
      const created = await bus.request(subjects.authClientsCreate, { input: document });
      return { id: created.client_id, secrets: created.client_secret ? [{ label: 'Client secret', value: created.client_secret }] : [] };
    },
    update: async (id, document) => void (await bus.request(subjects.authClientsUpdate, { client_id: id, input: document })),
    remove: async (id) => void (await bus.request(subjects.authClientsDelete, { client_id: id })),
  };
}

function catalogueKind(catalogue: CatalogueService): ResourceKind {
  return {
    slug: 'catalogue',
    title: 'Catalogue',
    singular: 'catalogue entry',
    description: 'What the developer portal offers: an API, the policy its developers get, and how they get credentials.',
    hint: docs('portal.md'),
    columns: ['Name', 'API', 'Policy', 'Credentials', 'Published'],
    creatable: true,
    deletable: true,
    list: async () =>
      (await catalogue.list()).map((entry) => ({
        id: entry.id,
        cells: [entry.name, entry.api_id, entry.policy_id, entry.credential_kind, yesNo(entry.published)],
      })),
    get: (id) => catalogue.get(id),
    template: () => ({ name: 'My API', api_id: '', policy_id: '', description: '', documentation: '', credential_kind: 'api_key', published: true }),
    create: async (document) => ({ id: (await catalogue.create(document)).id, secrets: [] }),
    update: async (id, document) => void (await catalogue.update(id, document)),
    remove: (id) => catalogue.remove(id),
  };
}

/** Providers take their settings back without what discovery found (issuer, endpoints) or the stored token. */
function providerKind(providers: ProvidersService): ResourceKind {
  return {
    slug: 'providers',
    title: 'Providers',
    singular: 'provider',
    description: 'External identity providers where the portal registers developers’ OAuth clients (Dynamic Client Registration).',
    hint: `${docs('portal.md')} Leave initial_access_token out to keep the stored one; null removes it.`,
    columns: ['Name', 'Issuer', 'Grant types', 'Initial access token'],
    creatable: true,
    deletable: true,
    list: async () =>
      (await providers.list()).map((provider) => ({
        id: provider.id,
        cells: [provider.name, provider.issuer, provider.grant_types.join(', '), provider.has_initial_access_token ? 'set' : 'none'],
      })),
    get: async (id) => {
      const provider = await providers.get(id);
      const { name, discovery_url, grant_types, response_types, token_endpoint_auth_method, scope } = provider;
      return { name, discovery_url, grant_types, response_types, token_endpoint_auth_method, scope };
    },
    template: () => ({
      name: 'My identity provider',
      discovery_url: 'https://idp.example.com',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
    }),
    create: async (document) => ({ id: (await providers.create(document)).id, secrets: [] }),
    update: async (id, document) => void (await providers.update(id, document)),
    remove: (id) => providers.remove(id),
  };
}
