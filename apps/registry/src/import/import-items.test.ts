import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { policyItems, validateImport } from './import-items.js';
import { readImportFiles } from './tyk-files.js';

/** A Tyk 2.x file-based policies.json entry, as the seed's tutorial writes them: no id, no name, access rights without api_id. */
const tykFilePolicies = {
  openApi: {
    rate: 1000,
    per: 1,
    quota_max: 100,
    quota_renewal_rate: 60,
    access_rights: { openApi: { api_name: 'Open API', versions: ['Default'] } },
    org_id: '1',
    hmac_enabled: false,
    active: true,
  },
};

const api = (id: string, path = `/${id}/`) => ({ api_id: id, name: id, proxy: { listen_path: path, target_url: 'http://127.0.0.1:9000' } });

describe('policyItems', () => {
  it('reads an object keyed by id, and an array', () => {
    expect(policyItems({ a: {}, b: {} }, 'policies.json').items.map((item) => [item.source, item.key])).toEqual([
      ['policies.json["a"]', 'a'],
      ['policies.json["b"]', 'b'],
    ]);
    expect(policyItems([{ id: 'x' }], 'policies').items.map((item) => [item.source, item.key])).toEqual([['policies[0]', undefined]]);
  });

  it('refuses anything else', () => {
    expect(policyItems('nope', 'policies.json').errors).toEqual([
      { source: 'policies.json', field: '(body)', message: expect.stringContaining('object keyed by policy id') },
    ]);
  });
});

describe('validateImport', () => {
  it("takes Tyk's file shape unchanged: the key is the id (and the name), access rights get their api_id", () => {
    const { value, errors } = validateImport({ policies: policyItems(tykFilePolicies, 'policies.json').items, apis: [] });
    expect(errors).toEqual([]);
    expect(value.policies[0]!.policy).toMatchObject({
      id: 'openApi',
      name: 'openApi',
      rate: 1000,
      per: 1,
      quota_max: 100,
      org_id: '1',
      access_rights: { openApi: { api_id: 'openApi', versions: ['Default'] } },
      active: true,
    });
  });

  it('takes a legacy _id as the id', () => {
    const { value, errors } = validateImport({ policies: policyItems([{ _id: 'legacy', name: 'L' }], 'policies').items, apis: [] });
    expect(errors).toEqual([]);
    expect(value.policies[0]!.policy.id).toBe('legacy');
  });

  it('collects every error of every item, each with its source and field', () => {
    const { errors } = validateImport({
      policies: policyItems({ good: { name: 'G' }, bad: { rate: 'fast', per: -1 }, other: { id: 'not-other', name: 'O' } }, 'policies.json').items,
      apis: [
        { source: 'a.json', input: api('a') },
        { source: 'b.json', input: { api_id: 'b', name: 'b', proxy: { target_url: 'not a url' } } },
        { source: 'noid.json', input: { name: 'x', proxy: { listen_path: '/x', target_url: 'http://u' } } },
        { source: 'dup.json', input: api('a', '/other/') },
      ],
    });
    const bySource = (source: string) => errors.filter((error) => error.source === source).map((error) => error.field);
    expect(bySource('policies.json["bad"]')).toEqual(expect.arrayContaining(['rate', 'per']));
    expect(bySource('policies.json["other"]')).toEqual([]);
    expect(bySource('b.json')).toEqual(expect.arrayContaining(['proxy.listen_path']));
    expect(bySource('noid.json')).toEqual(['api_id']);
    expect(errors.find((error) => error.source === 'dup.json')).toMatchObject({ field: 'api_id', message: expect.stringContaining('a.json') });
    expect(bySource('policies.json["good"]')).toEqual([]);
  });

  it("takes the policies.json key as the id when the policy's own id is empty or differs (Tyk's LoadPoliciesFromFile)", () => {
    const { value, errors } = validateImport({
      policies: policyItems({ keyed: { id: 'other', name: 'K' }, blank: { id: '' } }, 'policies.json').items,
      apis: [],
    });
    expect(errors).toEqual([]);
    expect(value.policies.map((item) => item.policy.id)).toEqual(['keyed', 'blank']);
  });

  it('requires ids in an array of policies (an import must be repeatable)', () => {
    const { errors } = validateImport({ policies: policyItems([{ name: 'no id' }], 'policies').items, apis: [] });
    expect(errors).toEqual([{ source: 'policies[0]', field: 'id', message: 'is required in an import' }]);
  });
});

describe('readImportFiles', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('reads a policies.json and the *.json files of an apps folder, in name order; bad JSON is an error with its file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'portcullis-import-'));
    dirs.push(dir);
    await writeFile(join(dir, 'policies.json'), JSON.stringify(tykFilePolicies));
    await mkdir(join(dir, 'apps'));
    await writeFile(join(dir, 'apps', 'b.json'), JSON.stringify(api('b')));
    await writeFile(join(dir, 'apps', 'a.json'), JSON.stringify(api('a')));
    await writeFile(join(dir, 'apps', 'notes.txt'), 'ignored');
    await writeFile(join(dir, 'apps', 'broken.json'), '{ "api_id": ');
    const { batch, errors } = await readImportFiles({ policiesFile: join(dir, 'policies.json'), apisDir: join(dir, 'apps') });
    expect(batch.policies.map((item) => item.key)).toEqual(['openApi']);
    expect(batch.apis.map((item) => item.source)).toEqual(['a.json', 'b.json']);
    expect(errors).toEqual([{ source: 'broken.json', field: '(file)', message: expect.stringContaining('not valid JSON') }]);
  });

  it('reports a missing file or folder', async () => {
    const { errors } = await readImportFiles({ policiesFile: '/nonexistent/policies.json', apisDir: '/nonexistent/apps' });
    expect(errors.map((error) => [error.source, error.message])).toEqual([
      ['policies.json', 'cannot be read: ENOENT'],
      ['/nonexistent/apps', 'cannot be read: ENOENT'],
    ]);
  });
});
