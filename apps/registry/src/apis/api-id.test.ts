import { validateApiDefinition } from '@portcullis/domain';
import { describe, expect, it } from 'vitest';
import { newApiId } from './api-id.js';

describe('newApiId', () => {
  it('is 32 lowercase hex characters, like Tyk ids', () => {
    expect(newApiId()).toMatch(/^[0-9a-f]{32}$/);
  });

  it('is accepted as an api_id by the definition schema', () => {
    const result = validateApiDefinition({ api_id: newApiId(), name: 'x', proxy: { listen_path: '/x', target_url: 'http://u' } });
    expect(result.ok).toBe(true);
  });

  it('does not repeat', () => {
    const ids = new Set(Array.from({ length: 1000 }, newApiId));
    expect(ids.size).toBe(1000);
  });
});
