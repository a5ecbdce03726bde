/**
 * Where to go after login: a portal path, never another site (`//evil.example` or `/\evil` are
 * read by browsers as other hosts).
 */
export function safeNext(next: unknown, fallback = '/portal/apps'): string {
  if (typeof next !== 'string' || next.length > 512) return fallback;
  return /^\/portal(?:[/?][^\\\s]*)?$/.test(next) && !next.includes('//') ? next : fallback;
}
