import type { DataSource } from 'typeorm';

/**
 * A service's table, qualified by the schema its data source works in and quoted: what raw SQL
 * names it by (each service owns a schema; tests give each run its own).
 */
export function qualifiedTable(dataSource: DataSource, name: string): string {
  const driver = dataSource.driver;
  return `${driver.escape(driver.schema ?? 'public')}.${driver.escape(name)}`;
}
