import type { DataSource } from 'typeorm';

/**
 * Whether the database answers `SELECT 1` within the deadline: readiness probes must answer
 * promptly even when the pool is stuck waiting for a connection that will not come.
 */
export async function databaseAnswers(dataSource: DataSource, deadlineMs = 2_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), deadlineMs);
  });
  try {
    return await Promise.race([dataSource.query('SELECT 1').then(() => true as const), deadline]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
