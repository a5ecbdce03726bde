import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledConfiguration, definition, startDataPlane } from '../../../test/fixtures/data-plane.js';
import { compileValidations } from './validate-json.js';

let upstream: Server;
let upstreamUrl: string;

beforeAll(async () => {
  // Echoes the body it received, so a test sees the bytes the gateway read are the bytes sent on.
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => res.end(Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

const draft04 = {
  $schema: 'http://json-schema.org/draft-04/schema#',
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0, maximum: 150, exclusiveMaximum: true } },
  required: ['name'],
};
const draft07 = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: { email: { type: 'string', format: 'email' }, n: { exclusiveMinimum: 0 } },
  required: ['email'],
};

function api(entries: unknown[], extra: Record<string, unknown> = {}) {
  return definition({
    api_id: 'v',
    version_data: { not_versioned: true, versions: { Default: { name: 'Default', extended_paths: { validate_json: entries } } } },
    proxy: { listen_path: '/v', target_url: upstreamUrl },
    ...extra,
  } as never);
}

async function gateway(entries: unknown[], extra: Record<string, unknown> = {}) {
  const built = compiledConfiguration([api(entries, extra)]);
  const plane = await startDataPlane(built.config);
  return { ...plane, config: built.config, close: async () => (await plane.close(), await built.pools.closeAll()) };
}

const post = (url: string, body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('validate-json step', () => {
  it('is compiled only for APIs with validate_json entries, after the limits and before proxy', () => {
    const { config } = compiledConfiguration([api([{ path: '/people', method: 'POST', schema: draft04 }], { use_keyless: false })]);
    const names = config.apis.get('v')!.chain.map((s) => s.name);
    expect(names.slice(names.indexOf('quota'))).toEqual(['quota', 'validate-json', 'proxy', 'record']);
    const plain = compiledConfiguration([definition({ api_id: 'p', proxy: { listen_path: '/p', target_url: 'http://127.0.0.1:9' } })]);
    expect(plain.config.apis.get('p')!.chain.map((s) => s.name)).not.toContain('validate-json');
  });

  it('draft-04: a valid body goes upstream byte for byte; an invalid one is 422 with every error as "field: description"', async () => {
    const gw = await gateway([{ path: '/people', method: 'POST', schema: draft04 }]);
    try {
      const valid = await post(`${gw.url}/v/people`, '{"name":"Ada",  "age":36}');
      expect(valid.status).toBe(200);
      expect(await valid.text()).toBe('{"name":"Ada",  "age":36}');
      const invalid = await post(`${gw.url}/v/people`, '{"age":150}');
      expect(invalid.status).toBe(422);
      expect(await invalid.json()).toEqual({ error: 'request_invalid', message: "(root): must have required property 'name'; age: must be < 150" });
      // Not JSON at all: 400, as Tyk answers a parse error.
      const broken = await post(`${gw.url}/v/people`, '{"name":');
      expect(broken.status).toBe(400);
      expect(((await broken.json()) as { error: string }).error).toBe('malformed_json');
      // Other methods and paths are not validated.
      expect((await fetch(`${gw.url}/v/people`, { method: 'PUT', body: 'not json' })).status).toBe(200);
      expect((await post(`${gw.url}/v/other`, 'not json')).status).toBe(200);
    } finally {
      await gw.close();
    }
  });

  it("draft-07 with formats, and the entry's error_response_code", async () => {
    const gw = await gateway([{ path: '/signup', method: 'POST', schema: draft07, error_response_code: 400 }]);
    try {
      expect((await post(`${gw.url}/v/signup`, '{"email":"ada@example.com","n":1}')).status).toBe(200);
      const invalid = await post(`${gw.url}/v/signup`, '{"email":"not an email"}');
      expect(invalid.status).toBe(400);
      expect(await invalid.json()).toEqual({ error: 'request_invalid', message: 'email: must match format "email"' });
    } finally {
      await gw.close();
    }
  });

  it('refuses a body over the bound with 413, reading no more of it', async () => {
    const gw = await gateway([{ path: '/people', method: 'POST', schema: draft04 }]);
    try {
      const big = await post(`${gw.url}/v/people`, JSON.stringify({ name: 'x'.repeat(1024 * 1024) }));
      expect(big.status).toBe(413);
    } finally {
      await gw.close();
    }
  });

  it('a schema that compiles under no draft (stored before validation refused it) refuses its path (500) rather than letting bodies through unchecked', () => {
    const valid = api([{ path: '/x', method: 'POST', schema: draft04 }]);
    const stored = {
      ...valid,
      version_data: {
        not_versioned: true,
        versions: { Default: { name: 'Default', extended_paths: { validate_json: [{ path: '/x', method: 'POST', schema: { type: 'no-such-type' } }] } } },
      },
    };
    const [entry] = compileValidations(stored as never)!.unversioned!;
    expect(entry!.validate).toBeNull();
  });

  it('compiles a schema with an $id again on every load (a new snapshot), and skips disabled entries', () => {
    const withId = { $schema: 'http://json-schema.org/draft-07/schema#', $id: 'https://example.com/person.json', type: 'object', required: ['name'] };
    for (let load = 0; load < 2; load++) {
      const [entry] = compileValidations(api([{ path: '/people', method: 'POST', schema: { ...withId } }]))!.unversioned!;
      expect(entry!.validate!({})).toBe(false);
      expect(entry!.validate!({ name: 'Ada' })).toBe(true);
    }
    expect(compileValidations(api([{ path: '/people', method: 'POST', schema: draft04, disabled: true }]))).toBeNull();
  });

  it('checks a body against the schemas of the version the request resolved to', async () => {
    const versioned = definition({
      api_id: 'by-version',
      proxy: { listen_path: '/v', target_url: upstreamUrl },
      definition: { location: 'url-param', key: 'version' },
      version_data: {
        not_versioned: false,
        default_version: 'v1',
        versions: {
          v1: { name: 'v1', extended_paths: { validate_json: [{ path: '/people', method: 'POST', schema: draft04 }] } },
          v2: { name: 'v2', extended_paths: { validate_json: [{ path: '/people', method: 'POST', schema: draft07, error_response_code: 400 }] } },
          v3: { name: 'v3' },
        },
      },
    } as never);
    const built = compiledConfiguration([versioned]);
    const plane = await startDataPlane(built.config);
    try {
      const person = '{"name":"Ada"}';
      const contact = '{"email":"ada@example.com"}';
      expect((await post(`${plane.url}/v/people?version=v1`, person)).status).toBe(200);
      expect((await post(`${plane.url}/v/people`, person)).status).toBe(200);
      expect((await post(`${plane.url}/v/people?version=v1`, contact)).status).toBe(422);
      expect((await post(`${plane.url}/v/people?version=v2`, contact)).status).toBe(200);
      const refused = await post(`${plane.url}/v/people?version=v2`, person);
      expect(refused.status).toBe(400);
      expect(await refused.json()).toEqual({ error: 'request_invalid', message: "(root): must have required property 'email'" });
      // A version without validate_json is not validated, though the API's others are.
      expect((await post(`${plane.url}/v/people?version=v3`, 'not json')).status).toBe(200);
    } finally {
      await plane.close();
      await built.pools.closeAll();
    }
  });
});
