import type { DataSource } from 'typeorm';

/**
 * Deletes rows that have had their day, at most once per interval, called from a path that writes
 * such rows anyway: no timer to own or stop, and the caller never waits for it. A sweep that fails
 * is left to the next one (the rows it missed only wait).
 */
export function sweeper(dataSource: DataSource, deleteSql: () => string, parameters: unknown[] = [], intervalMs = 60_000): (now?: number) => void {
  let last = 0;
  return (now = Date.now()) => {
    if (now - last < intervalMs) return;
    last = now;
    // Housekeeping beside a request: a failed sweep is retried at the next interval, so it is dropped.
    void dataSource.query(deleteSql(), parameters).catch(() => undefined);
  };
}
