import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Above this share of the machine used by others during a round, its figure is flagged. */
const BUSY_THRESHOLD = 0.05;

const fmt = {
  rps: (v) => Math.round(v).toLocaleString('en-US'),
  ms: (v) => v.toFixed(2),
  ratio: (v) => (v === null ? '—' : v.toFixed(2)),
};

function cells(row, references) {
  if (!row.available) return [row.name, '—', '—', '—', ...references.map(() => '—'), '—', '—', '—', `unavailable: ${row.reason}`];
  const problems = [];
  if (row.errors) problems.push(`${row.errors} socket errors`);
  if (row.non2xx) problems.push(`${row.non2xx} non-2xx`);
  problems.push(...row.warnings);
  // Each answered request must have reached the upstream; a few more may have (in flight at the end).
  const missing = row.upstreamServed === null ? 0 : row.requests - row.upstreamServed;
  if (missing > 0) problems.push(`${missing} answers never reached the upstream`);
  if (row.companionCores !== null && row.companionCores !== undefined) problems.push(`PostgreSQL ${row.companionCores.toFixed(2)} cores (not pinned)`);
  const disturbed = row.foreignCpuPerRound
    .map((share, i) => (share !== null && share >= BUSY_THRESHOLD ? `${(share * 100).toFixed(0)}% in round ${i + 1}` : null))
    .filter(Boolean);
  if (disturbed.length) problems.push(`other processes used ${disturbed.join(', ')}`);
  return [
    row.name,
    fmt.rps(row.rps),
    fmt.ms(row.p50Ms),
    fmt.ms(row.p99Ms),
    ...references.map((r) => fmt.ratio(row.ratios[r])),
    row.targetCores === null ? '—' : row.targetCores.toFixed(2),
    row.rpsPerCore === null ? '—' : fmt.rps(row.rpsPerCore),
    row.rpsPerRound.map(fmt.rps).join(' / '),
    problems.join('; '),
  ];
}

function header(references, unit = 'req/s') {
  return ['target', unit, 'p50 ms', 'p99 ms', ...references.map((r) => `× ${r}`), 'cores', `${unit} per core`, `${unit} per round`, 'notes'];
}

/** A fixed-width table for the terminal. */
export function textTable(rows, references, unit) {
  const lines = [header(references, unit), ...rows.map((row) => cells(row, references))];
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const numeric = new Set([1, 2, 3, ...references.map((_, i) => 4 + i), 4 + references.length, 5 + references.length]);
  const render = (l) =>
    l
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [render(lines[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.slice(1).map(render)].join('\n');
}

export function markdownTable(rows, references, unit) {
  const head = header(references, unit);
  const align = head.map((_, i) => (i >= 1 && i <= 5 + references.length ? '---:' : '---'));
  const line = (c) => `| ${c.map((x) => x.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(head), line(align), ...rows.map((row) => line(cells(row, references)))].join('\n');
}

export function settingsLine(meta) {
  const s = meta.settings;
  return (
    `${meta.loadGenerator} on cpu ${s.loadCpu}, target on cpu ${s.proxyCpu}; ${s.connections} connections, ` +
    `${s.rounds} interleaved rounds of ${s.durationS} s after ${s.warmupS} s warm-up each; medians`
  );
}

/** One results file per run: every group's rows, each with its own references and unit. */
export async function writeResults(dir, groups, meta) {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'latest.json'), `${JSON.stringify({ ...meta, groups }, null, 2)}\n`);
  const md = [
    `# Benchmark ${meta.finishedAt}`,
    '',
    `${settingsLine(meta)}. Machine: ${meta.machine.cpu} × ${meta.machine.cpus}, Node ${meta.machine.node}, ` + `commit ${meta.commit}.`,
  ];
  for (const group of groups) {
    md.push(
      '',
      `## ${group.name}: ${group.title}`,
      '',
      ...(group.upstream ? [`Upstream: node:http, ${meta.upstreamBodyBytes}-byte JSON, keep-alive.`, ''] : []),
      (group.markdownTable ?? markdownTable)(group.results, group.references, group.unit),
      '',
      ...group.results.filter((r) => r.available).map((r) => `- **${r.name}**: ${r.description}`),
      ...group.results.filter((r) => !r.available).map((r) => `- **${r.name}**: ${r.description} — not measured: ${r.reason}`),
    );
  }
  md.push('');
  await writeFile(join(dir, 'latest.md'), md.join('\n'));
}
