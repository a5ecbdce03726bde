import { describe, expect, it } from 'vitest';
import { definition } from '../../test/fixtures/data-plane.js';
import { compileTracked, compileUntracked } from './endpoint-tracking.js';

const versioned = (versions: Record<string, Record<string, unknown>>) =>
  definition({
    api_id: 'v',
    proxy: { listen_path: '/v/', target_url: 'http://127.0.0.1:9' },
    definition: { location: 'header', key: 'x-api-version' },
    version_data: { not_versioned: false, versions },
  } as never);

describe('endpoint tracking, compiled per version', () => {
  it('is null (the record step never looks) for an API whose versions list no endpoint', () => {
    const api = versioned({ v1: { name: 'v1' }, v2: { name: 'v2', extended_paths: {} } });
    expect(compileTracked(api)).toBeNull();
    expect(compileUntracked(api)).toBeNull();
  });

  it("keeps each version's own list, under its version's name, in the definition's order", () => {
    const api = versioned({
      v1: { name: 'v1' },
      v2: {
        name: 'v2',
        ignore_endpoint_case: true,
        extended_paths: {
          track_endpoints: [
            { path: '/users/{id}', method: 'GET' },
            { path: '/users', method: 'GET' },
          ],
        },
      },
    });
    const tracked = compileTracked(api)!;
    expect([...tracked.byName.keys()]).toEqual(['v2']);
    const entries = tracked.byName.get('v2')!;
    expect(entries.map((entry) => entry.endpoint)).toEqual(['GET /users/{id}', 'GET /users']);
    // ignore_endpoint_case applies as it does to the version's other extended paths.
    expect(entries[0]!.pattern.test('/USERS/7')).toBe(true);
  });
});
