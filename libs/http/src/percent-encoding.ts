/**
 * Whether percent-encoded text (a path, a query, a form body) decodes to well-formed UTF-8: every
 * `%` starts a `%XX` escape and the bytes form no overlong sequence, lone surrogate or stray byte
 * (RFC 3629 §3; RFC 3986 §2.5 makes UTF-8 the encoding of new URI components). Lenient decoders
 * turn such bytes into U+FFFD or, in old ones, into `.` and `/` (`%C0%AE` was `.` to IIS), so two
 * parts of a request path could read one value differently: refused instead. Text without `%` is
 * answered after one `indexOf`.
 */
export function isWellFormedPercentEncoding(text: string): boolean {
  if (text.indexOf('%') === -1) return true;
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}
