import { AdminClient, AdminError, type ApplyReport, type ErrorBody, type PlannedChange } from './admin-client.js';
import { FileError } from './config-files.js';
import { exportSet } from './export-set.js';
import { readSet } from './read-set.js';
import { table } from './table.js';

/** Exit codes, as `terraform plan -detailed-exitcode`: 0 nothing to change, 1 error, 2 changes pending (diff). */
export const EXIT = { ok: 0, error: 1, changes: 2 } as const;

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

const APPLY_PATH = '/admin/config/apply';

function changesTable(changes: PlannedChange[], prune: boolean): string {
  const rows = changes.map((change) => [
    change.kind,
    change.id,
    change.name ?? '',
    change.action === 'delete' && !prune ? 'delete (needs --prune)' : change.action,
    change.changed_fields.join(', '),
  ]);
  return table(['KIND', 'ID', 'NAME', 'ACTION', 'CHANGED FIELDS'], rows);
}

function summaryLine(report: ApplyReport, verb: string): string {
  const { create, update, delete: deleted, unchanged } = report.summary;
  return `${verb}: ${create} to create, ${update} to update, ${deleted} to delete, ${unchanged} unchanged`;
}

/** The registry's refusal: its message, then every error by file, then the plan it refused, if any. */
export function printFailure(error: unknown, output: Output): number {
  if (error instanceof FileError) {
    output.err(`error: ${error.message}\nNothing was changed.`);
    return EXIT.error;
  }
  if (!(error instanceof AdminError)) throw error;
  const body: ErrorBody = error.body ?? {};
  const lines = [`error: ${error.message}`];
  const problems = body.errors ?? body.details?.map((detail) => ({ source: '', ...detail })) ?? [];
  for (const problem of problems) lines.push(`  ${problem.source ? `${problem.source}: ` : ''}${problem.field}: ${problem.message}`);
  output.err(lines.join('\n'));
  if (body.changes && body.changes.length > 0) output.err(`\nThe plan that was refused:\n${changesTable(body.changes, false)}`);
  if (body.error) output.err('Nothing was changed.');
  return EXIT.error;
}

export async function runExport(client: AdminClient, dir: string, output: Output): Promise<number> {
  const written = await exportSet(client, dir);
  output.out(
    table(
      ['KIND', 'ID', 'FILE', 'SECRET FROM'],
      written.map((item) => [item.kind, item.id, item.file, item.secret ? `$${item.secret}` : '']),
    ),
  );
  output.out(`Exported ${written.length} item(s) to ${dir}.`);
  return EXIT.ok;
}

/** What apply would do, deletions included (they need --prune to happen). */
export async function runDiff(client: AdminClient, dir: string, env: NodeJS.ProcessEnv, prune: boolean, output: Output): Promise<number> {
  const set = await readSet(dir, env);
  const report = await client.post<ApplyReport>(APPLY_PATH, { ...set, prune: true, dry_run: true });
  output.out(changesTable(report.changes, prune));
  output.out(summaryLine(report, 'Plan'));
  return report.changes.every((change) => change.action === 'unchanged') ? EXIT.ok : EXIT.changes;
}

export async function runApply(
  client: AdminClient,
  dir: string,
  env: NodeJS.ProcessEnv,
  options: { prune: boolean; dryRun: boolean },
  output: Output,
): Promise<number> {
  const set = await readSet(dir, env);
  const report = await client.post<ApplyReport>(APPLY_PATH, { ...set, prune: options.prune, dry_run: options.dryRun });
  output.out(changesTable(report.changes, options.prune));
  output.out(summaryLine(report, options.dryRun ? 'Dry run, nothing changed' : 'Applied'));
  return EXIT.ok;
}

export { AdminClient };
