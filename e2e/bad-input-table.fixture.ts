/**
 * The bad-input table: hostile requests, one row each, sent as raw bytes by bad-input-table.e2e.test.ts.
 *
 * Every row must be answered with a 4xx whose body has the shape of its surface, carry no stack
 * trace or ORM/SQL text, and change nothing stored. The shape per surface:
 * - `catalogue`: the gateway data plane, `/tyk/` and `/admin/`: JSON `{ error, message }` from the
 *   error catalogue (libs/errors).
 * - `oauth`: the auth service's OAuth endpoints: JSON in RFC 6749 §5.2 shape `{ error, error_description? }`.
 * - `page`: the portal's forms answer a person's browser: an HTML page with the 4xx status.
 * A request the HTTP parser itself refuses (smuggling, bad header bytes) is refused before any route
 * is known, so it gets the catalogue shape whatever the surface (libs/http client-errors.ts).
 *
 * A row may accept the connection being closed with no answer only with `closeReason`, saying why.
 *
 * Requests are templates: `{{name}}` is filled in by the test from what it set up (see `Context`).
 * Content-Length is computed after filling unless the row sets it (smuggling rows do).
 */

export type Target = 'gateway' | 'registry' | 'auth';
export type Shape = 'catalogue' | 'oauth' | 'page';
export type Category =
  | 'nul'
  | 'json-depth'
  | 'json-malformed'
  | 'json-oversized'
  | 'wrong-type'
  | 'prototype-pollution'
  | 'unicode'
  | 'crlf'
  | 'duplicate-parameter'
  | 'content-type'
  | 'smuggling'
  | 'absolute-form'
  | 'host'
  | 'two-host'
  | 'oversized-headers'
  | 'method';

/** The helper (issue 11 scope) whose branch fixes the row; absent: fixed on this branch. */
export type Owner = 'input' | 'gwtokens' | 'refint';

export type RawRequest = { method: string; target: string; headers: Array<[string, string]>; body?: string; contentLength?: number } | { raw: string };

export interface HostileRow {
  name: string;
  surface: string;
  target: Target;
  category: Category;
  request: RawRequest;
  /** The status class expected: always a client error here. */
  expect: '4xx';
  shape: Shape;
  /** Why the server may close the connection without answering (only the smuggling rows say so). */
  closeReason?: string;
  /**
   * RFC 6749 §4.1.2.1: once the client and its redirect_uri are known good, the authorization
   * endpoint reports a bad request to the client by redirecting with `error=`: such a 302/303 counts.
   */
  redirectsWithError?: true;
  /** Which part of issue 11's work made this row pass (the row was written before it landed). */
  fixedBy?: Owner;
}

/**
 * Owners whose rows may still fail (printed, not counted): empty now that every part has landed;
 * kept so a row written ahead of its fix can be marked the same way again.
 */
export const pendingOwners: ReadonlySet<Owner> = new Set<Owner>([]);

/** The name every prototype-pollution payload tries to plant; it must show up nowhere afterwards. */
export const CANARY = 'pp_canary_7f3a';

// ---------------------------------------------------------------------------------------------

/** UTF-8 bytes of `text`, as a latin1 string (one char a byte), for raw bodies and paths. */
export function utf8(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

const rows: HostileRow[] = [];

interface Opts {
  shape?: Shape;
  fixedBy?: Owner;
  closeReason?: string;
  redirectsWithError?: true;
}

function add(surface: string, target: Target, category: Category, name: string, request: RawRequest, shape: Shape, opts: Opts = {}): void {
  rows.push({
    name: `${surface}: ${name}`,
    surface,
    target,
    category,
    request,
    expect: '4xx',
    shape: opts.shape ?? shape,
    ...(opts.fixedBy ? { fixedBy: opts.fixedBy } : {}),
    ...(opts.closeReason ? { closeReason: opts.closeReason } : {}),
    ...(opts.redirectsWithError ? { redirectsWithError: true as const } : {}),
  });
}

function req(method: string, target: string, headers: Array<[string, string]> = [], body?: string, contentLength?: number): RawRequest {
  return {
    method,
    target,
    headers: [['Host', '{{host}}'], ...headers],
    ...(body === undefined ? {} : { body }),
    ...(contentLength === undefined ? {} : { contentLength }),
  };
}

const json: [string, string] = ['Content-Type', 'application/json'];
const form: [string, string] = ['Content-Type', 'application/x-www-form-urlencoded'];
const admin: [string, string] = ['Authorization', 'Bearer {{admin}}'];
const tyk: [string, string] = ['x-tyk-authorization', '{{admin}}'];
const basicClient: [string, string] = ['Authorization', 'Basic {{clientBasic}}'];

function nested(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}
function nestedArray(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

const LONG = 'x'.repeat(20 * 1024);

// ---------------------------------------------------------------------------------------------
// Surfaces that take JSON bodies: the admin API (registry) and the Tyk API (gateway, forwarded).

interface JsonSurface {
  surface: string;
  target: Target;
  auth: [string, string];
  create: string;
  /** A path with an id, for PUT / GET / DELETE. */
  byId: (id: string) => string;
  /** Fields of a body that would otherwise be accepted, to carry one hostile field. */
  valid: Record<string, unknown>;
}

const jsonSurfaces: JsonSurface[] = [
  {
    surface: 'admin /admin/apis',
    target: 'registry',
    auth: admin,
    create: '/admin/apis',
    byId: (id) => `/admin/apis/${id}`,
    valid: { api_id: 'tbl-new', name: 'n', proxy: { listen_path: '/tbl-new/', target_url: 'http://127.0.0.1:1' } },
  },
  {
    surface: 'admin /admin/policies',
    target: 'registry',
    auth: admin,
    create: '/admin/policies',
    byId: (id) => `/admin/policies/${id}`,
    valid: { id: 'tbl-newpol', name: 'n' },
  },
  {
    surface: 'admin /admin/oauth/clients',
    target: 'registry',
    auth: admin,
    create: '/admin/oauth/clients',
    byId: (id) => `/admin/oauth/clients/${id}`,
    valid: { redirect_uris: ['http://127.0.0.1/cb'], policy_ids: ['tbl-policy'] },
  },
  {
    surface: 'admin /admin/portal/catalogue',
    target: 'registry',
    auth: admin,
    create: '/admin/portal/catalogue',
    byId: (id) => `/admin/portal/catalogue/${id}`,
    valid: { api_id: 'tbl-keys', name: 'n' },
  },
  {
    surface: 'tyk /tyk/apis',
    target: 'gateway',
    auth: tyk,
    create: '/tyk/apis',
    byId: (id) => `/tyk/apis/${id}`,
    valid: { api_id: 'tbl-new', name: 'n', proxy: { listen_path: '/tbl-new/', target_url: 'http://127.0.0.1:1' } },
  },
  {
    surface: 'tyk /tyk/policies',
    target: 'gateway',
    auth: tyk,
    create: '/tyk/policies',
    byId: (id) => `/tyk/policies/${id}`,
    valid: { id: 'tbl-newpol', name: 'n' },
  },
  { surface: 'tyk /tyk/keys', target: 'gateway', auth: tyk, create: '/tyk/keys', byId: (id) => `/tyk/keys/${id}`, valid: { apply_policies: ['tbl-policy'] } },
  {
    surface: 'tyk /tyk/oauth/clients/create',
    target: 'gateway',
    auth: tyk,
    create: '/tyk/oauth/clients/create',
    byId: (id) => `/tyk/oauth/clients/tbl-keys/${id}`,
    valid: { api_id: 'tbl-keys', redirect_uri: 'http://127.0.0.1/cb', policy_id: 'tbl-policy' },
  },
];

for (const s of jsonSurfaces) {
  const post = (name: string, category: Category, body: string, opts: Opts = {}, headers: Array<[string, string]> = [json]) =>
    add(s.surface, s.target, category, name, req('POST', s.create, [s.auth, ...headers], body), 'catalogue', opts);
  const withField = (field: string, value: unknown) => JSON.stringify({ ...s.valid, [field]: value });

  // NUL characters (helper 1's shared input check).
  post('NUL in a JSON string value', 'nul', withField('name', 'a\u0000b'), { fixedBy: 'input' });
  post('NUL in a JSON key', 'nul', JSON.stringify({ ...s.valid, 'na\u0000me': 'x' }), { fixedBy: 'input' });
  post('raw NUL byte inside a JSON string (not valid JSON)', 'nul', `{"name":"a\u0000b"}`);
  add(s.surface, s.target, 'nul', 'NUL in an id in the path', req('GET', s.byId('a%00b'), [s.auth]), 'catalogue', { fixedBy: 'input' });
  add(s.surface, s.target, 'nul', 'NUL in an id in the path (PUT)', req('PUT', s.byId('a%00b'), [s.auth, json], JSON.stringify(s.valid)), 'catalogue', {
    fixedBy: 'input',
  });

  // JSON depth (helper 1).
  post('JSON nested 5,000 objects deep', 'json-depth', nested(5000), { fixedBy: 'input' });
  post('JSON nested 5,000 arrays deep', 'json-depth', nestedArray(5000), { fixedBy: 'input' });

  // Malformed and oversized JSON.
  post('truncated JSON', 'json-malformed', '{"name":');
  post('JSON with a trailing comma', 'json-malformed', '{"name":"x",}');
  post('single-quoted JSON', 'json-malformed', "{'name':'x'}");
  post('JSON with comments', 'json-malformed', '{"name":"x" /* c */}');
  post('two JSON documents', 'json-malformed', '{"name":"x"}{"name":"y"}');
  post('JSON null', 'wrong-type', 'null');
  post('JSON array for an object', 'wrong-type', '[1,2,3]');
  post('JSON string for an object', 'wrong-type', '"hello"');
  post('JSON number for an object', 'wrong-type', '42');
  // An empty body reads as `{}` (body-parser, and clients that label body-less POSTs as JSON rely on
  // it); where `{}` is a complete request (a client, key or policy with every default: Tyk's policies need no name) it is no bad input.
  if (!s.surface.endsWith('/oauth/clients') && !s.surface.endsWith('/tyk/keys') && !s.surface.endsWith('/admin/policies'))
    post('empty body with a JSON type', 'json-malformed', '');
  post('body larger than the limit', 'json-oversized', JSON.stringify({ ...s.valid, name: 'x'.repeat(2 * 1024 * 1024) }));

  // Wrong types in fields.
  const firstField = Object.keys(s.valid)[0]!;
  post(`${firstField} as an object`, 'wrong-type', withField(firstField, { nested: true }));
  post(`${firstField} as a number`, 'wrong-type', withField(firstField, 12345));
  post(`${firstField} as an array of objects`, 'wrong-type', withField(firstField, [{}, {}]));
  post('a huge number (1e400)', 'wrong-type', `{"${firstField}":1e400}`);

  // Prototype pollution: answered 400, and nothing polluted (checked after the table by the test).
  post(
    '__proto__ key at the top',
    'prototype-pollution',
    `{"__proto__":{"${CANARY}":"yes","use_keyless":true,"is_inactive":false},${JSON.stringify(s.valid).slice(1)}`,
  );
  post('constructor.prototype key', 'prototype-pollution', `{"constructor":{"prototype":{"${CANARY}":"yes"}},${JSON.stringify(s.valid).slice(1)}`);
  post('__proto__ key nested', 'prototype-pollution', `${JSON.stringify(s.valid).slice(0, -1)},"meta":{"__proto__":{"${CANARY}":"yes"}}}`);

  // Unicode in ids.
  add(s.surface, s.target, 'unicode', 'RTL override in an id', req('GET', s.byId('abc%E2%80%AEgnp.exe'), [s.auth]), 'catalogue');
  add(s.surface, s.target, 'unicode', 'overlong UTF-8 in an id', req('GET', s.byId('%C0%AF%C0%AE'), [s.auth]), 'catalogue');
  add(s.surface, s.target, 'unicode', 'lone surrogate (percent-encoded) in an id', req('GET', s.byId('%ED%A0%80'), [s.auth]), 'catalogue');
  add(s.surface, s.target, 'unicode', 'invalid percent-encoding in an id', req('DELETE', s.byId('%E0%A4%A'), [s.auth]), 'catalogue');
  add(s.surface, s.target, 'unicode', 'raw non-ASCII bytes in the path', req('GET', s.byId(utf8('ünï')), [s.auth]), 'catalogue');

  // Wrong content types.
  // Tyk's API reads a body as JSON whatever its type (Tyk clients often send none): for /tyk/ only a
  // body that is not JSON is a wrong type.
  if (s.target === 'registry') {
    post('text/plain body', 'content-type', JSON.stringify(s.valid), {}, [['Content-Type', 'text/plain']]);
    post('no Content-Type', 'content-type', JSON.stringify(s.valid), {}, []);
  }
  post('form body', 'content-type', 'name=x&id=y', {}, [form]);
  post('multipart body', 'content-type', '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--\r\n', {}, [
    ['Content-Type', 'multipart/form-data; boundary=b'],
  ]);
  post('JSON with charset=utf-16', 'content-type', JSON.stringify(s.valid), {}, [['Content-Type', 'application/json; charset=utf-16']]);
}

// A few more on each JSON surface's reads and writes by id.
for (const s of jsonSurfaces) {
  add(s.surface, s.target, 'unicode', 'PUT to an id with RTL override', req('PUT', s.byId('%E2%80%AE'), [s.auth, json], JSON.stringify(s.valid)), 'catalogue');
  add(s.surface, s.target, 'crlf', 'percent-encoded CRLF in an id', req('GET', s.byId('a%0D%0ASet-Cookie:%20x=1'), [s.auth]), 'catalogue');
}

// ---------------------------------------------------------------------------------------------
// The auth service's OAuth endpoints: RFC 6749 error shape.

const tokenPost = (name: string, category: Category, body: string, headers: Array<[string, string]> = [form], opts: Opts = {}) =>
  add('auth /oauth/token', 'auth', category, name, req('POST', '/oauth/token', headers, body), 'oauth', opts);
const cc = 'grant_type=client_credentials';

tokenPost('NUL in client_id (body)', 'nul', `${cc}&client_id=a%00b&client_secret=x`, [form], { fixedBy: 'input' });
tokenPost('NUL in client_secret (body)', 'nul', `${cc}&client_id={{clientId}}&client_secret=a%00b`, [form], { fixedBy: 'input' });
tokenPost('NUL in Basic credentials', 'nul', cc, [form, ['Authorization', `Basic ${Buffer.from('a\u0000b:x').toString('base64')}`]], { fixedBy: 'input' });
tokenPost('NUL in the grant_type', 'nul', `grant_type=client%00credentials&client_id={{clientId}}&client_secret={{clientSecret}}`, [form], {
  fixedBy: 'input',
});
tokenPost('NUL in a field name', 'nul', `${cc}&client%00_id=x&client_secret=x`, [form], { fixedBy: 'input' });
tokenPost('raw NUL byte in the form body', 'nul', `${cc}&client_id=a\u0000b&client_secret=x`, [form], { fixedBy: 'input' });
tokenPost('two grant_type', 'duplicate-parameter', `${cc}&grant_type=password&client_id={{clientId}}&client_secret={{clientSecret}}`);
tokenPost('two client_id', 'duplicate-parameter', `${cc}&client_id={{clientId}}&client_id=other&client_secret={{clientSecret}}`);
tokenPost('two client_secret', 'duplicate-parameter', `${cc}&client_id={{clientId}}&client_secret={{clientSecret}}&client_secret=x`);
tokenPost('two scope', 'duplicate-parameter', `${cc}&scope=a&scope=b`, [form, basicClient]);
tokenPost('client_id[] array syntax twice', 'duplicate-parameter', `${cc}&client_id[]={{clientId}}&client_id[]=x&client_secret={{clientSecret}}`);
tokenPost('JSON body', 'content-type', JSON.stringify({ grant_type: 'client_credentials', client_id: '{{clientId}}', client_secret: '{{clientSecret}}' }), [
  json,
]);
tokenPost('text/plain body', 'content-type', `${cc}&client_id={{clientId}}&client_secret={{clientSecret}}`, [['Content-Type', 'text/plain']]);
tokenPost('no Content-Type', 'content-type', `${cc}&client_id={{clientId}}&client_secret={{clientSecret}}`, []);
tokenPost('multipart body', 'content-type', '--b\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\nclient_credentials\r\n--b--\r\n', [
  ['Content-Type', 'multipart/form-data; boundary=b'],
  basicClient,
]);
tokenPost('form type with charset=utf-16', 'content-type', cc, [['Content-Type', 'application/x-www-form-urlencoded; charset=utf-16'], basicClient]);
tokenPost('unknown grant_type', 'wrong-type', 'grant_type=urn:evil', [form, basicClient]);
tokenPost('no grant_type', 'wrong-type', 'scope=x', [form, basicClient]);
tokenPost('oversized body', 'json-oversized', `${cc}&x=${'a'.repeat(2 * 1024 * 1024)}`, [form, basicClient]);
tokenPost('malformed percent-encoding', 'unicode', `${cc}&client_id=%E0%A4%A&client_secret=x`);
tokenPost('lone surrogate in client_id', 'unicode', `${cc}&client_id=%ED%A0%80&client_secret=x`);
tokenPost('overlong UTF-8 in client_id', 'unicode', `${cc}&client_id=%C0%AF&client_secret=x`);
tokenPost('RTL override in client_id', 'unicode', `${cc}&client_id=%E2%80%AEabc&client_secret=x`);
tokenPost('CRLF in client_id', 'crlf', `${cc}&client_id=a%0D%0ASet-Cookie:%20x=1&client_secret=x`);
tokenPost('__proto__ parameter', 'prototype-pollution', `${cc}&__proto__[${CANARY}]=yes&client_id=x&client_secret=y`);
tokenPost('constructor[prototype] parameter', 'prototype-pollution', `${cc}&constructor[prototype][${CANARY}]=yes&client_id=x&client_secret=y`);
tokenPost('Basic credentials not base64', 'wrong-type', cc, [form, ['Authorization', 'Basic !!!notbase64***']]);
tokenPost('Basic credentials without a colon', 'wrong-type', cc, [form, ['Authorization', `Basic ${Buffer.from('nocolon').toString('base64')}`]]);
tokenPost('Basic credentials, an empty scheme value', 'wrong-type', cc, [form, ['Authorization', 'Basic ']]);
tokenPost('Basic and body credentials both', 'duplicate-parameter', `${cc}&client_id={{clientId}}&client_secret={{clientSecret}}`, [form, basicClient]);
tokenPost('authorization_code without code', 'wrong-type', 'grant_type=authorization_code&redirect_uri=http://127.0.0.1/cb', [form, basicClient]);
tokenPost('refresh_token grant with a made-up token', 'wrong-type', 'grant_type=refresh_token&refresh_token=%00%01', [form, basicClient], { fixedBy: 'input' });

for (const path of ['/oauth/introspect', '/oauth/revoke']) {
  const surface = `auth ${path}`;
  const post = (name: string, category: Category, body: string, headers: Array<[string, string]> = [form, basicClient], opts: Opts = {}) =>
    add(surface, 'auth', category, name, req('POST', path, headers, body), 'oauth', opts);
  post('NUL in client_id', 'nul', 'token=x&client_id=a%00b&client_secret=x', [form], { fixedBy: 'input' });
  post('NUL in Basic credentials', 'nul', 'token=x', [form, ['Authorization', `Basic ${Buffer.from('a\u0000b:x').toString('base64')}`]], { fixedBy: 'input' });
  post('two token parameters', 'duplicate-parameter', 'token=a&token=b');
  post('two client_id', 'duplicate-parameter', 'token=a&client_id={{clientId}}&client_id=x&client_secret={{clientSecret}}', [form]);
  post('JSON body', 'content-type', JSON.stringify({ token: 'a' }), [json, basicClient]);
  post('text/plain body', 'content-type', 'token=a', [['Content-Type', 'text/plain'], basicClient]);
  post('no credentials at all', 'wrong-type', 'token=a', [form]);
  post('no token', 'wrong-type', 'token_type_hint=access_token');
  // RFC 6749 §3.1: unknown parameters are ignored, so the row's 4xx comes from wrong credentials;
  // what it checks is that the key pollutes nothing on the way.
  post('__proto__ parameter', 'prototype-pollution', `token=a&__proto__[${CANARY}]=yes&client_id=x&client_secret=y`, [form]);
  post('malformed percent-encoding', 'unicode', 'token=%E0%A4%A');
  post('lone surrogate in token', 'unicode', 'token=%ED%A0%80');
  post('oversized body', 'json-oversized', `token=${'a'.repeat(2 * 1024 * 1024)}`);
}

// RFC 6749 §4.1.1 authorization endpoint, GET (query) and POST (form).
const authorizeBase = 'response_type=code&client_id={{clientId}}&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb';
const authorizeRows: Array<[string, Category, string, Owner?]> = [
  ['two client_id', 'duplicate-parameter', `${authorizeBase}&client_id=other`],
  ['two response_type', 'duplicate-parameter', `${authorizeBase}&response_type=token`],
  ['two redirect_uri', 'duplicate-parameter', `${authorizeBase}&redirect_uri=http%3A%2F%2Fevil.example%2F`],
  ['NUL in client_id', 'nul', 'response_type=code&client_id=a%00b&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb', 'input'],
  ['NUL in redirect_uri', 'nul', 'response_type=code&client_id={{clientId}}&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb%00.evil', 'input'],
  ['CRLF in state (reflected into Location)', 'crlf', `${authorizeBase}&state=a%0D%0ASet-Cookie:%20x=1`],
  ['CRLF in redirect_uri', 'crlf', 'response_type=code&client_id={{clientId}}&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb%0D%0AX:%201'],
  ['unknown client', 'wrong-type', 'response_type=code&client_id=no-such-client&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb'],
  ['lone surrogate in client_id', 'unicode', 'response_type=code&client_id=%ED%A0%80'],
  ['overlong UTF-8 in client_id', 'unicode', 'response_type=code&client_id=%C0%AF'],
  ['RTL override in client_id', 'unicode', 'response_type=code&client_id=%E2%80%AEabc'],
  ['malformed percent-encoding', 'unicode', 'response_type=code&client_id=%E0%A4%A'],
  ['__proto__ parameter (unknown client)', 'prototype-pollution', `response_type=code&client_id=no-such-client&__proto__[${CANARY}]=yes`],
  ['client_id[] array syntax', 'duplicate-parameter', 'response_type=code&client_id[]=a&client_id[]=b'],
];
for (const [name, category, query, owner] of authorizeRows) {
  // The authorization endpoint talks to a person's browser: its refusals are pages (RFC 6749 §4.1.2.1).
  add('auth /oauth/authorize GET', 'auth', category, name, req('GET', `/oauth/authorize?${query}`), 'page', {
    redirectsWithError: true,
    ...(owner ? { fixedBy: owner } : {}),
  });
  add('auth /oauth/authorize POST', 'auth', category, name, req('POST', '/oauth/authorize', [form], query), 'page', {
    redirectsWithError: true,
    ...(owner ? { fixedBy: owner } : {}),
  });
}
add(
  'auth /oauth/authorize POST',
  'auth',
  'content-type',
  'JSON body',
  req('POST', '/oauth/authorize', [json], JSON.stringify({ response_type: 'code', client_id: '{{clientId}}' })),
  'page',
);
add(
  'auth /oauth/authorize POST',
  'auth',
  'json-oversized',
  'oversized form',
  req('POST', '/oauth/authorize', [form], `${authorizeBase}&x=${'a'.repeat(2 * 1024 * 1024)}`),
  'page',
);

// RFC 7591 registration and the RFC 7592 client URI.
const register = (name: string, category: Category, request: RawRequest, opts: Opts = {}) =>
  add('auth /oauth/register', 'auth', category, name, request, 'oauth', opts);
const iat: [string, string] = ['Authorization', 'Bearer {{initialAccessToken}}'];
register('no initial access token', 'wrong-type', req('POST', '/oauth/register', [json], JSON.stringify({ redirect_uris: ['http://127.0.0.1/cb'] })));
register(
  'NUL in a metadata value',
  'nul',
  req('POST', '/oauth/register', [json, iat], JSON.stringify({ redirect_uris: ['http://127.0.0.1/cb'], client_name: 'a\u0000b' })),
  { fixedBy: 'input' },
);
register(
  'NUL in a metadata key',
  'nul',
  req('POST', '/oauth/register', [json, iat], JSON.stringify({ redirect_uris: ['http://127.0.0.1/cb'], 'client\u0000name': 'x' })),
  { fixedBy: 'input' },
);
register('JSON 5,000 deep', 'json-depth', req('POST', '/oauth/register', [json, iat], nested(5000)), { fixedBy: 'input' });
register('malformed JSON', 'json-malformed', req('POST', '/oauth/register', [json, iat], '{"redirect_uris":['));
register('JSON array', 'wrong-type', req('POST', '/oauth/register', [json, iat], '[]'));
register('redirect_uris a string', 'wrong-type', req('POST', '/oauth/register', [json, iat], JSON.stringify({ redirect_uris: 'http://127.0.0.1/cb' })));
register('redirect_uris of numbers', 'wrong-type', req('POST', '/oauth/register', [json, iat], JSON.stringify({ redirect_uris: [1, 2] })));
register('__proto__ metadata', 'prototype-pollution', req('POST', '/oauth/register', [json, iat], `{"__proto__":{"${CANARY}":"yes"},"redirect_uris":"nope"}`));
register(
  'constructor.prototype metadata',
  'prototype-pollution',
  req('POST', '/oauth/register', [json, iat], `{"constructor":{"prototype":{"${CANARY}":"yes"}},"redirect_uris":"nope"}`),
);
register('form body', 'content-type', req('POST', '/oauth/register', [form, iat], 'redirect_uris=http://127.0.0.1/cb'));
register(
  'text/plain body',
  'content-type',
  req('POST', '/oauth/register', [['Content-Type', 'text/plain'], iat], JSON.stringify({ redirect_uris: ['http://127.0.0.1/cb'] })),
);
register(
  'oversized body',
  'json-oversized',
  req('POST', '/oauth/register', [json, iat], JSON.stringify({ redirect_uris: ['http://127.0.0.1/cb'], client_name: 'x'.repeat(2 * 1024 * 1024) })),
);
const clientUri = (
  name: string,
  category: Category,
  method: string,
  id: string,
  opts: Opts = {},
  headers: Array<[string, string]> = [['Authorization', 'Bearer not-a-registration-token']],
  body?: string,
) => add('auth /oauth/register/{client_id}', 'auth', category, `${method} ${name}`, req(method, `/oauth/register/${id}`, headers, body), 'oauth', opts);
for (const method of ['GET', 'PUT', 'DELETE']) {
  const body = method === 'PUT' ? JSON.stringify({ client_id: 'x', redirect_uris: ['http://127.0.0.1/cb'] }) : undefined;
  const headers: Array<[string, string]> = [['Authorization', 'Bearer not-a-registration-token'], ...(body ? [json] : [])];
  clientUri('NUL in the client id', 'nul', method, 'a%00b', { fixedBy: 'input' }, headers, body);
  clientUri('RTL override in the client id', 'unicode', method, '%E2%80%AEabc', {}, headers, body);
  clientUri('lone surrogate in the client id', 'unicode', method, '%ED%A0%80', {}, headers, body);
  clientUri('overlong UTF-8 in the client id', 'unicode', method, '%C0%AE%C0%AE', {}, headers, body);
  clientUri('no registration token', 'wrong-type', method, '{{clientId}}', {}, body ? [json] : [], body);
}
clientUri('NUL in the registration token', 'nul', 'GET', '{{clientId}}', { fixedBy: 'input' }, [['Authorization', 'Bearer a\u0001b']]);

// Discovery and JWKS: read-only; what can go wrong is the request itself.
for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/.well-known/jwks.json', '/oauth/jwks']) {
  const surface = `auth ${path}`;
  add(surface, 'auth', 'absolute-form', 'absolute-form URI naming another host', req('GET', `http://evil.example${path}`), 'catalogue');
  add(surface, 'auth', 'host', 'Host with userinfo', { method: 'GET', target: path, headers: [['Host', 'attacker@evil.example']] }, 'catalogue');
  add(surface, 'auth', 'host', 'Host with a non-numeric port', { method: 'GET', target: path, headers: [['Host', '127.0.0.1:abc']] }, 'catalogue');
  add(
    surface,
    'auth',
    'two-host',
    'two Host headers',
    {
      method: 'GET',
      target: path,
      headers: [
        ['Host', '{{host}}'],
        ['Host', 'evil.example'],
      ],
    },
    'catalogue',
    { fixedBy: 'gwtokens' },
  );
}
add('auth /.well-known/{name}', 'auth', 'unicode', 'lone surrogate in the document name', req('GET', '/.well-known/%ED%A0%80'), 'catalogue');
add('auth /.well-known/{name}', 'auth', 'nul', 'NUL in the document name', req('GET', '/.well-known/openid-configuration%00'), 'catalogue');
add('auth /.well-known/{name}', 'auth', 'method', 'POST to discovery', req('POST', '/.well-known/openid-configuration', [json], '{}'), 'catalogue');

// ---------------------------------------------------------------------------------------------
// The gateway data plane: a keyless API, a keyed API and a JWT API.

const dataPlane: Array<{ surface: string; path: string; auth: Array<[string, string]> }> = [
  { surface: 'gateway keyless /tbl-open/', path: '/tbl-open', auth: [] },
  { surface: 'gateway keyed /tbl-keys/', path: '/tbl-keys', auth: [['Authorization', '{{key}}']] },
  { surface: 'gateway JWT /tbl-jwt/', path: '/tbl-jwt', auth: [['Authorization', 'Bearer {{jwt}}']] },
];
for (const d of dataPlane) {
  const g = (category: Category, name: string, request: RawRequest, opts: Opts = {}) => add(d.surface, 'gateway', category, name, request, 'catalogue', opts);
  g('unicode', 'overlong UTF-8 dot segments in the path', req('GET', `${d.path}/%C0%AE%C0%AE/admin`, d.auth));
  g('unicode', 'overlong UTF-8 slash in the path', req('GET', `${d.path}/a%C0%AFb`, d.auth));
  g('unicode', 'lone surrogate (percent-encoded) in the path', req('GET', `${d.path}/%ED%A0%80`, d.auth));
  g('unicode', 'truncated UTF-8 sequence in the path', req('GET', `${d.path}/%E2%80`, d.auth));
  g('unicode', 'invalid UTF-8 byte 0xFF in the path', req('GET', `${d.path}/%FF`, d.auth));
  g('nul', 'NUL in the path', req('GET', `${d.path}/a%00b`, d.auth), { fixedBy: 'input' });
  g('crlf', 'bare LF inside a header value', {
    raw: `GET ${d.path}/x HTTP/1.1\r\nHost: {{host}}\r\nX-A: a\nInjected: 1\r\n${d.auth.map(([k, v]) => `${k}: ${v}\r\n`).join('')}Connection: close\r\n\r\n`,
  });
  g('crlf', 'bare CR inside a header value', {
    raw: `GET ${d.path}/x HTTP/1.1\r\nHost: {{host}}\r\nX-A: a\rInjected: 1\r\n${d.auth.map(([k, v]) => `${k}: ${v}\r\n`).join('')}Connection: close\r\n\r\n`,
  });
  g('crlf', 'obsolete line folding (RFC 9112 §5.2)', {
    raw: `GET ${d.path}/x HTTP/1.1\r\nHost: {{host}}\r\nX-A: a\r\n folded: 1\r\n${d.auth.map(([k, v]) => `${k}: ${v}\r\n`).join('')}Connection: close\r\n\r\n`,
  });
  g('crlf', 'NUL byte inside a header value', { raw: `GET ${d.path}/x HTTP/1.1\r\nHost: {{host}}\r\nX-A: a\u0000b\r\nConnection: close\r\n\r\n` });
  g('crlf', 'space before the colon of a header name', {
    raw: `GET ${d.path}/x HTTP/1.1\r\nHost: {{host}}\r\nTransfer-Encoding : chunked\r\nConnection: close\r\n\r\n0\r\n\r\n`,
  });
  g('smuggling', 'Content-Length and Transfer-Encoding both', {
    raw: `POST ${d.path}/x HTTP/1.1\r\nHost: {{host}}\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n${d.auth.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n0\r\n\r\nGET ${d.path}/smuggled HTTP/1.1\r\nHost: {{host}}\r\n\r\n`,
  });
  g('smuggling', 'Transfer-Encoding then Content-Length', {
    raw: `POST ${d.path}/x HTTP/1.1\r\nHost: {{host}}\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n5c\r\nGPOST / HTTP/1.1\r\n\r\n0\r\n\r\n`,
  });
  g('smuggling', 'two Content-Length values that differ', {
    raw: `POST ${d.path}/x HTTP/1.1\r\nHost: {{host}}\r\nContent-Length: 3\r\nContent-Length: 40\r\n\r\nabc`,
  });
  g('smuggling', 'Content-Length with a list', { raw: `POST ${d.path}/x HTTP/1.1\r\nHost: {{host}}\r\nContent-Length: 3, 40\r\n\r\nabc` });
  g('smuggling', 'Transfer-Encoding: xchunked', {
    raw: `POST ${d.path}/x HTTP/1.1\r\nHost: {{host}}\r\nTransfer-Encoding: xchunked\r\nContent-Length: 3\r\n\r\nabc`,
  });
  g('smuggling', 'Transfer-Encoding: chunked, identity', {
    raw: `POST ${d.path}/x HTTP/1.1\r\nHost: {{host}}\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`,
  });
  g('smuggling', 'Transfer-Encoding on an HTTP/1.0 request', {
    raw: `POST ${d.path}/x HTTP/1.0\r\nHost: {{host}}\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc`,
  });
  g('smuggling', 'negative Content-Length', { raw: `POST ${d.path}/x HTTP/1.1\r\nHost: {{host}}\r\nContent-Length: -1\r\n\r\n` });
  g('smuggling', 'Content-Length with a plus sign', { raw: `POST ${d.path}/x HTTP/1.1\r\nHost: {{host}}\r\nContent-Length: +3\r\n\r\nabc` });
  g('smuggling', 'chunk size not hexadecimal', {
    raw: `POST ${d.path}/x HTTP/1.1\r\nHost: {{host}}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`,
  });
  g('absolute-form', 'absolute-form URI naming another host', req('GET', `http://evil.example${d.path}/x`, d.auth));
  g('absolute-form', 'absolute-form URI with userinfo', req('GET', `http://user:pass@{{host}}${d.path}/x`, d.auth));
  g('absolute-form', 'absolute-form URI, https scheme, other port', req('GET', `https://127.0.0.1:1${d.path}/x`, d.auth));
  g('absolute-form', 'absolute-form with a file: scheme', req('GET', `file:///etc/passwd`, d.auth));
  g('absolute-form', 'authority-form on GET', req('GET', `evil.example:80`, d.auth));
  g('absolute-form', 'asterisk-form on GET', req('GET', `*`, d.auth));
  g('host', 'Host with userinfo', { method: 'GET', target: `${d.path}/x`, headers: [['Host', 'user@{{host}}'], ...d.auth] });
  g('host', 'Host with a non-numeric port', { method: 'GET', target: `${d.path}/x`, headers: [['Host', '127.0.0.1:abc'], ...d.auth] });
  g('host', 'Host with a port above 65535', { method: 'GET', target: `${d.path}/x`, headers: [['Host', '127.0.0.1:99999'], ...d.auth] });
  g('host', 'empty Host', { method: 'GET', target: `${d.path}/x`, headers: [['Host', ''], ...d.auth] });
  g('host', 'Host with a path', { method: 'GET', target: `${d.path}/x`, headers: [['Host', '{{host}}/evil'], ...d.auth] });
  g('host', 'no Host on HTTP/1.1', { method: 'GET', target: `${d.path}/x`, headers: [...d.auth] });
  g(
    'two-host',
    'two Host headers',
    { method: 'GET', target: `${d.path}/x`, headers: [['Host', '{{host}}'], ['Host', 'evil.example'], ...d.auth] },
    { fixedBy: 'gwtokens' },
  );
  g('oversized-headers', 'one 20 KiB header', req('GET', `${d.path}/x`, [...d.auth, ['X-Big', LONG]]));
  g(
    'oversized-headers',
    '400 small headers',
    req('GET', `${d.path}/x`, [...d.auth, ...Array.from({ length: 400 }, (_, i) => [`X-H${i}`, 'y'.repeat(100)] as [string, string])]),
  );
  g('oversized-headers', 'a 20 KiB request target', req('GET', `${d.path}/${LONG}`, d.auth));
}
// Credentials that are themselves hostile.
const keyed = (category: Category, name: string, value: string, opts: Opts = {}) =>
  add('gateway keyed /tbl-keys/', 'gateway', category, name, req('GET', '/tbl-keys/x', [['Authorization', value]]), 'catalogue', opts);
keyed('wrong-type', 'a made-up key', 'no-such-key');
keyed('unicode', 'RTL override in the key', utf8('abc\u202Eexe'));
keyed('unicode', 'invalid UTF-8 bytes in the key', '\u00ff\u00fe');
keyed('nul', 'NUL in Basic credentials', `Basic ${Buffer.from('a\u0000b:x').toString('base64')}`, { fixedBy: 'input' });
keyed('oversized-headers', 'a 7 KiB key', 'k'.repeat(7 * 1024));
keyed('prototype-pollution', 'the key __proto__', '__proto__');
keyed('prototype-pollution', 'the key constructor', 'constructor');
const jwt = (category: Category, name: string, value: string, opts: Opts = {}) =>
  add('gateway JWT /tbl-jwt/', 'gateway', category, name, req('GET', '/tbl-jwt/x', [['Authorization', value]]), 'catalogue', opts);
const b64u = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
jwt('wrong-type', 'alg none', `Bearer ${b64u({ alg: 'none' })}.${b64u({ sub: 'x' })}.`);
jwt('json-malformed', 'header not JSON', `Bearer ${Buffer.from('{nope').toString('base64url')}.${b64u({ sub: 'x' })}.c2ln`);
jwt('json-depth', 'payload nested 5,000 deep', `Bearer ${b64u({ alg: 'HS256' })}.${Buffer.from(nested(5000)).toString('base64url')}.c2ln`);
jwt(
  'prototype-pollution',
  '__proto__ in the payload',
  `Bearer ${b64u({ alg: 'HS256' })}.${Buffer.from(`{"__proto__":{"${CANARY}":"yes"},"sub":"x"}`).toString('base64url')}.c2ln`,
);
jwt('wrong-type', 'exp as a string', `Bearer ${b64u({ alg: 'HS256' })}.${b64u({ sub: 'x', exp: 'never' })}.c2ln`);
jwt('unicode', 'RTL override in the token', `Bearer ${utf8('a.b\u202E.c')}`);
jwt('wrong-type', 'four segments', 'Bearer a.b.c.d');

// The Tyk API on the gateway, beyond the JSON bodies above.
const t = (category: Category, name: string, request: RawRequest, opts: Opts = {}) => add('tyk /tyk/', 'gateway', category, name, request, 'catalogue', opts);
t('absolute-form', 'absolute-form URI naming another host', req('GET', 'http://evil.example/tyk/apis', [tyk]));
t('host', 'Host with userinfo', { method: 'GET', target: '/tyk/apis', headers: [['Host', 'admin@{{host}}'], tyk] });
t('smuggling', 'Content-Length and Transfer-Encoding both', {
  raw: `POST /tyk/apis HTTP/1.1\r\nHost: {{host}}\r\nx-tyk-authorization: {{admin}}\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
});
t('crlf', 'bare LF in the admin secret header', {
  raw: `GET /tyk/apis HTTP/1.1\r\nHost: {{host}}\r\nx-tyk-authorization: {{admin}}\nX: 1\r\nConnection: close\r\n\r\n`,
});
t('wrong-type', 'no admin secret', req('GET', '/tyk/apis'));
t('unicode', 'admin secret with RTL override', req('GET', '/tyk/apis', [['x-tyk-authorization', utf8('\u202E{{admin}}')]]));
t('duplicate-parameter', 'two admin secret headers, the first wrong', req('GET', '/tyk/apis', [['x-tyk-authorization', 'wrong'], tyk]));
t('oversized-headers', 'one 20 KiB header', req('GET', '/tyk/apis', [tyk, ['X-Big', LONG]]));

// References to a policy or an API that does not exist (helper 3's referential integrity).
const refint = (surface: string, target: Target, path: string, auth: [string, string], body: unknown) =>
  add(surface, target, 'wrong-type', 'names a policy or API that does not exist', req('POST', path, [auth, json], JSON.stringify(body)), 'catalogue', {
    fixedBy: 'refint',
  });
refint('tyk /tyk/oauth/clients/create', 'gateway', '/tyk/oauth/clients/create', tyk, {
  api_id: 'tbl-keys',
  redirect_uri: 'http://127.0.0.1/cb',
  policy_id: 'no-such-policy',
});
refint('tyk /tyk/keys', 'gateway', '/tyk/keys', tyk, { apply_policies: ['no-such-policy'] });
refint('admin /admin/oauth/clients', 'registry', '/admin/oauth/clients', admin, { redirect_uris: ['http://127.0.0.1/cb'], policy_ids: ['no-such-policy'] });
refint('admin /admin/portal/catalogue', 'registry', '/admin/portal/catalogue', admin, {
  api_id: 'no-such-api',
  policy_id: 'tbl-policy',
  name: 'n',
  credential_kind: 'api_key',
});
refint('admin /admin/portal/catalogue', 'registry', '/admin/portal/catalogue', admin, {
  api_id: 'tbl-keys',
  policy_id: 'no-such-policy',
  name: 'n',
  credential_kind: 'api_key',
});

// ---------------------------------------------------------------------------------------------
// The registry's /admin/ API, beyond the JSON bodies above.
const a = (category: Category, name: string, request: RawRequest, opts: Opts = {}) =>
  add('admin /admin/', 'registry', category, name, request, 'catalogue', opts);
a('absolute-form', 'absolute-form URI naming another host', req('GET', 'http://evil.example/admin/apis', [admin]));
a('absolute-form', 'absolute-form URI with userinfo', req('GET', 'http://admin:x@{{host}}/admin/apis', [admin]));
a('host', 'Host with userinfo', { method: 'GET', target: '/admin/apis', headers: [['Host', 'admin@{{host}}'], admin] });
a('host', 'Host with a port above 65535', { method: 'GET', target: '/admin/apis', headers: [['Host', '127.0.0.1:99999'], admin] });
a('host', 'empty Host', { method: 'GET', target: '/admin/apis', headers: [['Host', ''], admin] });
a(
  'two-host',
  'two Host headers',
  { method: 'GET', target: '/admin/apis', headers: [['Host', '{{host}}'], ['Host', 'evil.example'], admin] },
  { fixedBy: 'gwtokens' },
);
a('smuggling', 'Content-Length and Transfer-Encoding both', {
  raw: `POST /admin/apis HTTP/1.1\r\nHost: {{host}}\r\nAuthorization: Bearer {{admin}}\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
});
a('smuggling', 'two Content-Length values that differ', {
  raw: `POST /admin/apis HTTP/1.1\r\nHost: {{host}}\r\nAuthorization: Bearer {{admin}}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 9\r\n\r\n{}`,
});
a('crlf', 'bare LF in the Authorization header', {
  raw: `GET /admin/apis HTTP/1.1\r\nHost: {{host}}\r\nAuthorization: Bearer {{admin}}\nX: 1\r\nConnection: close\r\n\r\n`,
});
a('oversized-headers', 'one 20 KiB header', req('GET', '/admin/apis', [admin, ['X-Big', LONG]]));
a('oversized-headers', 'a 20 KiB query string', req('GET', `/admin/analytics/usage?from=${LONG}`, [admin]));
a('wrong-type', 'analytics with a nonsense date', req('GET', '/admin/analytics/usage?from=yesterday&to=%00', [admin]), { fixedBy: 'input' });
a('duplicate-parameter', 'analytics with two from parameters', req('GET', '/admin/analytics/usage?from=2026-01-01&from=2026-02-01', [admin]));
a('unicode', 'developer id with a lone surrogate', req('POST', '/admin/portal/developers/%ED%A0%80/approve', [admin]));
a('nul', 'developer id with NUL', req('POST', '/admin/portal/developers/a%00b/block', [admin]), { fixedBy: 'input' });
a('unicode', 'developer id with RTL override', req('DELETE', '/admin/portal/developers/%E2%80%AE', [admin]));
a('wrong-type', 'no admin secret', req('GET', '/admin/apis'));
a('wrong-type', 'admin secret in the wrong scheme', req('GET', '/admin/apis', [['Authorization', 'Basic {{admin}}']]));

// ---------------------------------------------------------------------------------------------
// The portal's forms: HTML pages with a 4xx (a person's browser reads them).

const portalForm = (path: string, session: boolean) => ({
  headers: [form, ['Cookie', session ? '{{sessionCookie}}' : '{{anonCookie}}']] as Array<[string, string]>,
  csrf: session ? '{{sessionCsrf}}' : '{{anonCsrf}}',
  path,
});
const portalForms = [
  // A new address each time it is used (signUpFields), so no row is refused only because an earlier one signed up.
  { surface: 'portal /portal/signup', ...portalForm('/portal/signup', false), fields: 'email=tbl-new%40example.test&password=correct-horse-battery' },
  { surface: 'portal /portal/login', ...portalForm('/portal/login', false), fields: 'email={{developerEmail}}&password=wrong-password-1' },
  { surface: 'portal /portal/apps (create)', ...portalForm('/portal/apps', true), fields: 'entry_id={{entryId}}&name=' },
  { surface: 'portal /portal/apps/{id}/rename', ...portalForm('/portal/apps/{{appId}}/rename', true), fields: 'name=' },
];
for (const p of portalForms) {
  let signUps = 0;
  const unique = (body: string) => body.replace('tbl-new%40', () => `tbl-new-${++signUps}%40`);
  const post = (category: Category, name: string, body: string, headers: Array<[string, string]> = p.headers, opts: Opts = {}) =>
    add(p.surface, 'registry', category, name, req('POST', p.path, headers, unique(body)), 'page', opts);
  const field0 = p.fields.split('=')[0]!;
  post('nul', `NUL in ${field0}`, `_csrf=${p.csrf}&${p.fields.replace('=', '=a%00b')}`, p.headers, { fixedBy: 'input' });
  post('nul', 'NUL in a field name', `_csrf=${p.csrf}&${p.fields}&na%00me=x`, p.headers, { fixedBy: 'input' });
  post('duplicate-parameter', 'two _csrf', `_csrf=${p.csrf}&_csrf=forged&${p.fields}`);
  post('duplicate-parameter', `two ${field0}`, `_csrf=${p.csrf}&${p.fields}&${field0}=other`);
  post('prototype-pollution', '__proto__ field', `_csrf=${p.csrf}&${p.fields}&__proto__[${CANARY}]=yes`);
  post('prototype-pollution', 'constructor[prototype] field', `_csrf=${p.csrf}&${p.fields}&constructor[prototype][${CANARY}]=yes`);
  post('content-type', 'JSON body', JSON.stringify({ _csrf: p.csrf, [field0]: 'x' }), [json, p.headers[1]!]);
  post('content-type', 'text/plain body', `_csrf=${p.csrf}&${p.fields}`, [['Content-Type', 'text/plain'], p.headers[1]!]);
  post('content-type', 'multipart body', '--b\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\nx\r\n--b--\r\n', [
    ['Content-Type', 'multipart/form-data; boundary=b'],
    p.headers[1]!,
  ]);
  post('unicode', `lone surrogate in ${field0}`, `_csrf=${p.csrf}&${p.fields.replace('=', '=%ED%A0%80')}`);
  post('unicode', 'malformed percent-encoding', `_csrf=${p.csrf}&${p.fields.replace('=', '=%E0%A4%A')}`);
  post('json-oversized', 'oversized form', `_csrf=${p.csrf}&${p.fields}&x=${'a'.repeat(2 * 1024 * 1024)}`);
  post('wrong-type', 'no CSRF token', p.fields);
  add(
    p.surface,
    'registry',
    'absolute-form',
    'absolute-form URI naming another host',
    req('POST', `http://evil.example${p.path}`, p.headers, `_csrf=${p.csrf}&${p.fields}`),
    'catalogue',
  );
  add(
    p.surface,
    'registry',
    'smuggling',
    'Content-Length and Transfer-Encoding both',
    {
      raw: `POST ${p.path} HTTP/1.1\r\nHost: {{host}}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    },
    'catalogue',
  );
}
add(
  'portal /portal/signup',
  'registry',
  'crlf',
  'CRLF in next (reflected into Location)',
  req('POST', '/portal/signup', [form, ['Cookie', '{{anonCookie}}']], '_csrf={{anonCsrf}}&email=bad&password=x&next=/portal%0D%0ASet-Cookie:%20x=1'),
  'page',
);
add(
  'portal /portal/login',
  'registry',
  'crlf',
  'CRLF in next (reflected into Location)',
  req(
    'POST',
    '/portal/login',
    [form, ['Cookie', '{{anonCookie}}']],
    '_csrf={{anonCsrf}}&email={{developerEmail}}&password=wrong&next=/portal%0D%0ASet-Cookie:%20x=1',
  ),
  'page',
);
add(
  'portal /portal/apps/{id}',
  'registry',
  'unicode',
  'app id with a lone surrogate',
  req('GET', '/portal/apps/%ED%A0%80', [['Cookie', '{{sessionCookie}}']]),
  'page',
);
add(
  'portal /portal/apps/{id}',
  'registry',
  'unicode',
  'app id with RTL override',
  req('POST', '/portal/apps/%E2%80%AE/rename', [form, ['Cookie', '{{sessionCookie}}']], '_csrf={{sessionCsrf}}&name=x'),
  'page',
);
add(
  'portal /portal/apps/{id}',
  'registry',
  'nul',
  'app id with NUL',
  req('POST', '/portal/apps/a%00b/delete', [form, ['Cookie', '{{sessionCookie}}']], '_csrf={{sessionCsrf}}'),
  'page',
  { fixedBy: 'input' },
);
add('portal /portal/reset/{token}', 'registry', 'unicode', 'reset token with a lone surrogate', req('GET', '/portal/reset/%ED%A0%80'), 'page');
add(
  'portal /portal/reset/{token}',
  'registry',
  'nul',
  'reset token with NUL',
  req('POST', '/portal/reset/a%00b', [form, ['Cookie', '{{anonCookie}}']], '_csrf={{anonCsrf}}&password=x'),
  'page',
  { fixedBy: 'input' },
);

export const hostileRows: readonly HostileRow[] = rows;
