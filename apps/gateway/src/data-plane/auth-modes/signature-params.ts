/**
 * The `k1="v1",k2="v2"` parameter list of the Signature (draft-cavage-http-signatures §4.1) and
 * OAuth (RFC 5849 §3.5.1) authorization schemes. Null when malformed; repeated names are malformed
 * too (which value would count is exactly what an attacker would like to choose).
 */
export function parseAuthParams(input: string, maxParams = 16): Map<string, string> | null {
  const params = new Map<string, string>();
  const pattern = /\s*([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*"([^"]*)"\s*(,|$)/y;
  let at = 0;
  while (at < input.length) {
    pattern.lastIndex = at;
    const match = pattern.exec(input);
    if (match === null) return null;
    const name = match[1]!;
    if (params.has(name) || params.size >= maxParams) return null;
    params.set(name, match[2]!);
    at = pattern.lastIndex;
    if (match[3] === '') break;
  }
  return at >= input.trimEnd().length ? params : null;
}
