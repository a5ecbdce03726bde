import { describe, expect, it } from 'vitest';
import { DEFAULT_MESSAGE_PIECE_BYTES, MIN_MESSAGE_PIECE_BYTES, messagePieceBytes } from './message-size.js';

describe('messagePieceBytes', () => {
  it('is a quarter of the server max_payload', () => {
    expect(messagePieceBytes(1024 * 1024)).toBe(256 * 1024);
    expect(messagePieceBytes(128 * 1024)).toBe(32 * 1024);
    expect(messagePieceBytes(8 * 1024 * 1024)).toBe(2 * 1024 * 1024);
  });

  it('fits a 64 KB server, whose messages the 256 KB default would all exceed', () => {
    expect(messagePieceBytes(65_536)).toBe(16_384);
    expect(messagePieceBytes(65_536)).toBeLessThan(65_536);
  });

  it('never goes under the floor, however low the server is set', () => {
    expect(MIN_MESSAGE_PIECE_BYTES).toBe(16 * 1024);
    expect(messagePieceBytes(32 * 1024)).toBe(MIN_MESSAGE_PIECE_BYTES);
    expect(messagePieceBytes(1_000)).toBe(MIN_MESSAGE_PIECE_BYTES);
  });

  it('is the 256 KB default when the limit is unknown (in-process, not connected) or nonsense', () => {
    expect(DEFAULT_MESSAGE_PIECE_BYTES).toBe(256 * 1024);
    for (const unknown of [undefined, 0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(messagePieceBytes(unknown)).toBe(DEFAULT_MESSAGE_PIECE_BYTES);
  });
});
