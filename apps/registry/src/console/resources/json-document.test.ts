import { PortcullisError } from '@portcullis/errors';
import { describe, expect, it } from 'vitest';
import { parseJsonDocument } from './json-document.js';

function refusal(text: string): PortcullisError {
  try {
    parseJsonDocument(text);
  } catch (error) {
    if (error instanceof PortcullisError) return error;
    throw error;
  }
  throw new Error(`accepted: ${text}`);
}

describe('parseJsonDocument', () => {
  it('reads an object', () => {
    expect(parseJsonDocument('{ "name": "Orders", "proxy": { "listen_path": "/o/" } }')).toEqual({ name: 'Orders', proxy: { listen_path: '/o/' } });
  });

  it('refuses what the admin API would refuse, each as a validation failure naming the document', () => {
    for (const [text, message] of [
      ['', 'The document is empty.'],
      ['{ "name": ', 'The document is not valid JSON.'],
      ['[1, 2]', 'The document must be a JSON object.'],
      ['"text"', 'The document must be a JSON object.'],
      ['{ "__proto__": { "admin": true } }', 'The document has a field that is not allowed.'],
      ['{ "constructor": { "prototype": {} } }', 'The document has a field that is not allowed.'],
      [`${'{"a":'.repeat(200)}1${'}'.repeat(200)}`, 'The document cannot be accepted.'],
    ] as const) {
      const error = refusal(text);
      expect(error.code, text.slice(0, 20)).toBe('validation_failed');
      expect(error.message, text.slice(0, 20)).toBe(message);
      expect(error.details?.length, text.slice(0, 20)).toBeGreaterThan(0);
    }
  });

  it('says where the JSON broke', () => {
    expect(refusal('{ "a": 1,, }').details?.[0]?.message).toMatch(/position|column/);
  });
});
