/**
 * The Host header, read from Node's flat raw header array. Node keeps only the first of repeated
 * Host lines in `req.headers`, so the raw lines are the only place a second one shows.
 */

/** `Host` in any letter case, compared by char code: no lower-cased copy of every 4-letter name. */
export function isHostName(name: string): boolean {
  return (
    name.length === 4 &&
    (name.charCodeAt(0) | 0x20) === 104 /* h */ &&
    (name.charCodeAt(1) | 0x20) === 111 /* o */ &&
    (name.charCodeAt(2) | 0x20) === 115 /* s */ &&
    (name.charCodeAt(3) | 0x20) === 116 /* t */
  );
}

/** Whether the raw header lines carry Host more than once: one pass over the names, no allocation. */
export function repeatsHost(raw: readonly string[]): boolean {
  let seen = false;
  for (let i = 0; i < raw.length; i += 2) {
    if (isHostName(raw[i]!)) {
      if (seen) return true;
      seen = true;
    }
  }
  return false;
}
