import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBoundedBody } from './bounded-body.js';

describe('readBoundedBody', () => {
  it('reads a body up to the bound whole, and refuses (destroying it) one byte more', async () => {
    expect((await readBoundedBody(Readable.from([Buffer.from('ab'), Buffer.from('cd')]), 4))?.toString()).toBe('abcd');
    const larger = Readable.from([Buffer.from('ab'), Buffer.from('cde')]);
    expect(await readBoundedBody(larger, 4)).toBeUndefined();
    expect(larger.destroyed).toBe(true);
  });
});
