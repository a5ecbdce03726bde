import { fileURLToPath } from 'node:url';
import { loadGenerators } from './load.mjs';
import { startProcess } from './processes.mjs';
import { median } from './stats.mjs';

/**
 * The `latency` group's load generator: an open-loop client (open-loop-client.mjs) sending at one
 * constant rate, latencies from each request's due time. Before the rounds, `prepare` measures each
 * target's capacity closed-loop (wrk, or autocannon without it); every target then runs at the same
 * rate, half the capacity of the least capable gateway (BENCH_LATENCY_RATE sets it instead), so a
 * gateway's p99 is compared with the direct call's at the same load.
 */
const client = fileURLToPath(new URL('./open-loop-client.mjs', import.meta.url));
const REFERENCE = 'direct';

export const constantRate = {
  name: 'open-loop constant rate (bench/lib/open-loop-client.mjs)',
  available: () => true,
  rate: null,
  capacities: new Map(),

  /** targets: [{ name, instance }] with their instances started. */
  async prepare(targets, { connections, durationS, cpu, scratchDir, log }) {
    const closedLoop = loadGenerators.wrk.available() ? loadGenerators.wrk : loadGenerators.autocannon;
    for (const { name, instance } of targets) {
      const r = await closedLoop.run(instance.url, { connections, durationS, cpu, request: instance.request, scratchDir });
      this.capacities.set(instance.url, r.rps);
      log(`  capacity of ${name}: ${Math.round(r.rps)} req/s (${closedLoop.name}, ${connections} connections, ${durationS} s)`);
    }
    const fixed = Number(process.env.BENCH_LATENCY_RATE);
    const gateways = targets.filter((t) => t.name !== REFERENCE).map((t) => this.capacities.get(t.instance.url));
    this.rate = fixed > 0 ? fixed : Math.max(1, Math.round(Math.min(...(gateways.length ? gateways : [...this.capacities.values()])) / 2));
    log(`  constant rate for every target: ${this.rate} req/s`);
  },

  async run(url, { connections, durationS, cpu, request }) {
    const rate = this.rate ?? 1000;
    const args = [client, url, String(rate), String(durationS), String(connections), ...(request ? [JSON.stringify(request)] : [])];
    const proc = startProcess('open-loop', process.execPath, args, { cpu });
    const { code } = await proc.exited;
    const match = /OPEN_LOOP_JSON (\{.*\})/.exec(proc.output());
    if (code !== 0 || !match) throw new Error(`the open-loop client failed (exit ${code}):\n${proc.output()}`);
    const r = JSON.parse(match[1]);
    const unanswered = r.sent - r.done;
    return {
      rps: r.done / r.elapsedS,
      p50Ms: r.p50Ms,
      p99Ms: r.p99Ms,
      p999Ms: r.p999Ms,
      maxMs: r.maxMs,
      rate,
      capacity: this.capacities.get(url) ?? null,
      requests: r.done,
      errors: r.errors + unanswered,
      non2xx: r.non2xx,
    };
  },
};

/** Adds the latency figures to the group's rows: p99.9, the rate and capacity, and p99 over the direct call's. */
export function withLatency(rows, states) {
  const direct = rows.find((row) => row.name === REFERENCE && row.available);
  for (const row of rows) {
    if (!row.available) continue;
    const rounds = states.find((s) => s.name === row.name).rounds;
    row.p999Ms = median(rounds.map((r) => r.p999Ms));
    row.maxMs = median(rounds.map((r) => r.maxMs));
    row.rate = rounds[0].rate;
    row.capacity = rounds[0].capacity;
    row.p99OverDirectMs = direct ? row.p99Ms - direct.p99Ms : null;
  }
  return rows;
}

const ms = (v) => (v === null || v === undefined ? '—' : v.toFixed(2));

function cells(row) {
  if (!row.available) return [row.name, '—', '—', '—', '—', '—', '—', '—', '—', `unavailable: ${row.reason}`];
  const notes = [];
  if (row.errors) notes.push(`${row.errors} errors or unanswered`);
  if (row.non2xx) notes.push(`${row.non2xx} non-2xx`);
  notes.push(...row.warnings);
  const disturbed = row.foreignCpuPerRound
    .map((share, i) => (share !== null && share >= 0.05 ? `${(share * 100).toFixed(0)}% in round ${i + 1}` : null))
    .filter(Boolean);
  if (disturbed.length) notes.push(`other processes used ${disturbed.join(', ')}`);
  return [
    row.name,
    String(row.rate),
    row.capacity === null ? '—' : String(Math.round(row.capacity)),
    ms(row.p50Ms),
    ms(row.p99Ms),
    ms(row.p999Ms),
    ms(row.maxMs),
    row.name === REFERENCE ? '(reference)' : ms(row.p99OverDirectMs),
    row.targetCores === null ? '—' : row.targetCores.toFixed(2),
    notes.join('; '),
  ];
}

const head = ['target', 'rate req/s', 'capacity req/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'p99 − direct ms', 'cores', 'notes'];

export function latencyTextTable(rows) {
  const lines = [head, ...rows.map(cells)];
  const widths = head.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const render = (l) =>
    l
      .map((c, i) => (i > 0 && i < head.length - 1 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [render(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((row) => render(cells(row)))].join('\n');
}

export function latencyMarkdownTable(rows) {
  const line = (c) => `| ${c.map((x) => x.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(head), line(head.map((_, i) => (i > 0 && i < head.length - 1 ? '---:' : '---'))), ...rows.map((row) => line(cells(row)))].join('\n');
}
