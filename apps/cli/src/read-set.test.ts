import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveEnvRefs } from './env-refs.js';
import { readSet } from './read-set.js';
import { table } from './table.js';

describe('readSet', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portcullis-read-'));
    await mkdir(join(dir, 'apis'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads each YAML file as its kind, named by its path in the folder', async () => {
    await writeFile(join(dir, 'apis/a.yaml'), 'kind: api\nspec:\n  api_id: a\n');
    await writeFile(join(dir, 'p.yml'), 'kind: policy\nspec: {id: p}\n');
    const set = await readSet(dir, {});
    expect(set.apis).toEqual([{ source: 'apis/a.yaml', value: { api_id: 'a' } }]);
    expect(set.policies).toEqual([{ source: 'p.yml', value: { id: 'p' } }]);
  });

  it('names the file, line and column of a YAML syntax error, and of a duplicate key', async () => {
    await writeFile(join(dir, 'apis/a.yaml'), 'kind: api\nspec:\n  a: 1\n  a: 2\n');
    await expect(readSet(dir, {})).rejects.toThrow('apis/a.yaml:4:3: not valid YAML: Map keys must be unique');
  });

  it('refuses an unknown kind, a spec that is not a mapping, and extra top-level fields', async () => {
    await writeFile(join(dir, 'apis/a.yaml'), 'kind: route\nspec: {}\n');
    await expect(readSet(dir, {})).rejects.toThrow('apis/a.yaml: kind: must be one of api, policy, catalogue, provider, got "route"');
    await writeFile(join(dir, 'apis/a.yaml'), 'kind: api\nspec: [1]\n');
    await expect(readSet(dir, {})).rejects.toThrow('apis/a.yaml: spec: must be a mapping');
    await writeFile(join(dir, 'apis/a.yaml'), 'kind: api\nspec: {}\nmetadata: {}\n');
    await expect(readSet(dir, {})).rejects.toThrow('apis/a.yaml: metadata: unknown top-level field');
  });

  it("reads Tyk Sync's .tyk.json: API files (bare or wrapped) and policy files (one policy, or keyed by id)", async () => {
    await writeFile(join(dir, 'one.json'), JSON.stringify({ api_id: '1' }));
    await writeFile(join(dir, 'two.json'), JSON.stringify({ api_definition: { api_id: '2' } }));
    await writeFile(join(dir, 'policy.json'), JSON.stringify({ id: 'p', access_rights: {} }));
    await writeFile(join(dir, 'policies.json'), JSON.stringify({ gold: { rate: 1 } }));
    await writeFile(
      join(dir, '.tyk.json'),
      JSON.stringify({ files: [{ file: 'one.json' }, { file: 'two.json' }], policies: [{ file: 'policy.json' }, { file: 'policies.json' }] }),
    );
    const set = await readSet(dir, {});
    expect(set.apis).toEqual([
      { source: 'one.json', value: { api_id: '1' } },
      { source: 'two.json', value: { api_id: '2' } },
    ]);
    expect(set.policies).toEqual([
      { source: 'policy.json', value: { id: 'p', access_rights: {} } },
      { source: 'policies.json["gold"]', value: { rate: 1 }, key: 'gold' },
    ]);
  });

  it('names a missing file listed in .tyk.json', async () => {
    await writeFile(join(dir, '.tyk.json'), JSON.stringify({ files: [{ file: 'gone.json' }] }));
    await expect(readSet(dir, {})).rejects.toThrow('gone.json: cannot be read (ENOENT)');
  });
});

describe('resolveEnvRefs', () => {
  it('replaces strings that are exactly ${env:NAME}, and nothing else', () => {
    expect(resolveEnvRefs({ a: '${env:T}', b: ['x ${env:T}'], c: 1 }, 'f.yaml', { T: 'secret' })).toEqual({ a: 'secret', b: ['x ${env:T}'], c: 1 });
  });

  it('names the file and field of a variable that is not set', () => {
    expect(() => resolveEnvRefs({ p: { token: '${env:MISSING}' } }, 'providers/x.yaml', {})).toThrow(
      'providers/x.yaml: p.token: environment variable MISSING is not set',
    );
  });
});

describe('table', () => {
  it('pads every column but the last to its widest cell', () => {
    expect(table(['A', 'BB'], [['xyz', '1']])).toBe('A    BB\n---  --\nxyz  1');
  });
});
