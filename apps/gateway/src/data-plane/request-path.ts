import { isWellFormedPercentEncoding } from '@portcullis/http';

/**
 * The request path as routing and access rights must see it. Without this, `/public/../admin`
 * would match a listen path or an `allowed_urls` entry for `/public` while the upstream, resolving
 * the dot segments itself, serves `/admin`.
 *
 * Dot segments are removed as RFC 3986 §5.2.4 does, after decoding `%2E` (an unreserved character:
 * RFC 3986 §2.3 makes `%2E` and `.` the same). A path that climbs above the root, or hides a dot
 * segment behind an encoded slash (`..%2F`, which some upstreams decode), or whose escapes are not
 * UTF-8 or encode a NUL, is refused: null.
 * Paths without any of these (nearly all) are returned as they are, after two `indexOf`s.
 */
export function normaliseRequestPath(path: string): string | null {
  if (path.indexOf('/.') === -1 && path.indexOf('%') === -1) return path;
  // Overlong forms (`%C0%AE` for `.`), lone surrogates and stray bytes: upstreams disagree on them.
  if (!isWellFormedPercentEncoding(path)) return null;
  // An encoded NUL: no upstream path means it, and C-based upstreams end the path there (the shared
  // input rule: a NUL anywhere is a client error).
  if (/%00/.test(path)) return null;
  const decoded = path.replace(/%2e/gi, '.');
  if (hidesDotSegment(decoded)) return null;
  if (decoded.indexOf('/.') === -1) return decoded === path ? path : decoded;
  const input = decoded.split('/');
  const output: string[] = [];
  for (let i = 1; i < input.length; i++) {
    const segment = input[i]!;
    const last = i === input.length - 1;
    if (segment === '.') {
      if (last) output.push('');
    } else if (segment === '..') {
      if (output.length === 0) return null;
      output.pop();
      if (last) output.push('');
    } else {
      output.push(segment);
    }
  }
  return '/' + output.join('/');
}

/** An encoded slash or backslash inside a segment that, decoded, would make a dot segment. */
function hidesDotSegment(path: string): boolean {
  if (!/%(2f|5c)/i.test(path)) return false;
  return path
    .replace(/%2f|%5c/gi, '/')
    .split('/')
    .some((segment) => segment === '..' || segment === '.');
}
