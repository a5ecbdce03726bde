/**
 * Where to go after signing in: a console path, never another site (`//evil.example` or `/\evil`
 * are read by browsers as other hosts).
 */
export function safeConsoleNext(next: unknown, fallback = '/console'): string {
  if (typeof next !== 'string' || next.length > 1024) return fallback;
  return /^\/console(?:[/?][^\\\s]*)?$/.test(next) && !next.includes('//') ? next : fallback;
}
