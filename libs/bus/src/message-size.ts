/**
 * How big one piece of a message cut to fit the bus may be (a snapshot page, a batch event), from
 * the connected NATS server's `max_payload`. This is the one place that knows the rule.
 */

/** The piece size when the limit is unknown (in-process, not connected yet): a quarter of NATS's default 1 MB. */
export const DEFAULT_MESSAGE_PIECE_BYTES = 256 * 1024;

/**
 * The smallest piece size: a server set absurdly low would otherwise cut a configuration into
 * thousands of tiny pages. An item bigger than a piece still travels alone, whatever this says.
 */
export const MIN_MESSAGE_PIECE_BYTES = 16 * 1024;

/**
 * A quarter of the server's `max_payload`: a piece counts only its items, and the message also
 * carries the envelope (the reply's `ok`/`value`, the page numbers and snapshot id, Nest's packet
 * id), the subject prefix and headers, and the items' own JSON is measured one by one; the rest is
 * headroom for a cluster whose servers are not all set alike. Unknown: the 256 KB default.
 */
export function messagePieceBytes(maxPayloadBytes: number | undefined): number {
  if (maxPayloadBytes === undefined || !Number.isFinite(maxPayloadBytes) || maxPayloadBytes <= 0) return DEFAULT_MESSAGE_PIECE_BYTES;
  return Math.max(MIN_MESSAGE_PIECE_BYTES, Math.floor(maxPayloadBytes / 4));
}
