import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * How much of the machine other processes used while a round ran. On a shared 2-core box a test
 * suite starting elsewhere takes a core from the proxy or the load generator; a round measured
 * then is not comparable, and the report says so instead of hiding it. Linux /proc only; null
 * elsewhere.
 */
const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture Node supports

function readStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), childTicks: Number(fields[13]) + Number(fields[14]) };
  } catch {
    return null;
  }
}

/** Busy ticks of the whole machine, and of this process and everything below it. */
function sample() {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal. Interrupt time is left out: the loopback
    // traffic we generate is accounted there, to no process. Steal (other VMs) counts as foreign.
    const busy = cpu[0] + cpu[1] + cpu[2] + (cpu[7] ?? 0);
    const stats = new Map();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = readStat(entry);
      if (stat) stats.set(Number(entry), stat);
    }
    // Children already reaped (each round's wrk) count through our cutime/cstime.
    const ours = (stats.get(process.pid)?.childTicks ?? 0) + treeTicks(stats, process.pid);
    return { at: performance.now(), busy, ours, tree: (pid) => treeTicks(stats, pid), ticks: (pid) => stats.get(pid)?.ticks ?? 0 };
  } catch {
    return null;
  }
}

/** CPU ticks of `pid` and its descendants (nginx's worker, for one). */
function treeTicks(stats, root) {
  const tree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, stat] of stats) {
      if (!tree.has(pid) && tree.has(stat.ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  let ticks = 0;
  for (const pid of tree) ticks += stats.get(pid)?.ticks ?? 0;
  return ticks;
}

/**
 * Starts a window over a round. end() gives `foreign`, the share of all CPUs (0..1) used by other
 * processes, and `proxyCores`, the cores the target's process tree used (1.0 = its core saturated),
 * both null where /proc is not available.
 *
 * `companions` are processes outside our tree that work for the target (the PostgreSQL backends of
 * its scratch database): their CPU is not "other processes" but `companionCores`. end() takes the
 * list again, since a pool may open connections during the round (a new one counts from zero).
 */
export function cpuWindow(targetPid, companions = []) {
  const start = sample();
  const startTarget = start?.tree(targetPid) ?? null;
  const startCompanions = new Map(companions.map((pid) => [pid, start?.ticks(pid) ?? 0]));
  return {
    end(companionsNow = companions) {
      const stop = sample();
      if (!start || !stop) return { foreign: null, proxyCores: null, companionCores: null };
      const seconds = (stop.at - start.at) / 1000;
      const capacity = seconds * TICKS_PER_SECOND * os.availableParallelism();
      let companionTicks = 0;
      for (const pid of new Set([...startCompanions.keys(), ...companionsNow])) {
        companionTicks += Math.max(0, stop.ticks(pid) - (startCompanions.get(pid) ?? 0));
      }
      const foreign = stop.busy - start.busy - (stop.ours - start.ours) - companionTicks;
      return {
        foreign: Math.min(1, Math.max(0, foreign / capacity)),
        proxyCores: (stop.tree(targetPid) - startTarget) / (seconds * TICKS_PER_SECOND),
        companionCores: companions.length || companionsNow.length ? companionTicks / (seconds * TICKS_PER_SECOND) : null,
      };
    },
  };
}

/**
 * Waits (at most maxMs) for a one-second window in which other processes use less than `threshold`
 * of the CPUs, so a run does not start in the middle of someone's test suite. Resolves to the last
 * share seen (null without /proc).
 */
export async function waitForQuiet(threshold, maxMs) {
  const deadline = Date.now() + maxMs;
  for (;;) {
    const window = cpuWindow(process.pid);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const { foreign } = window.end();
    if (foreign === null || foreign < threshold || Date.now() >= deadline) return foreign;
  }
}
