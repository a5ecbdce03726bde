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
    const mine = new Set([process.pid]);
    // Parents have lower pids only until pids wrap; iterate until no new descendant is found.
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, stat] of stats) {
        if (!mine.has(pid) && mine.has(stat.ppid)) {
          mine.add(pid);
          grew = true;
        }
      }
    }
    let ours = stats.get(process.pid)?.childTicks ?? 0; // children already reaped (each round's wrk)
    for (const pid of mine) ours += stats.get(pid)?.ticks ?? 0;
    return { at: performance.now(), busy, ours };
  } catch {
    return null;
  }
}

/** Starts a window; its end() gives the share of all CPUs (0..1) used by other processes. */
export function foreignCpuWindow() {
  const start = sample();
  return {
    end() {
      const stop = sample();
      if (!start || !stop) return null;
      const capacity = ((stop.at - start.at) / 1000) * TICKS_PER_SECOND * os.availableParallelism();
      const foreign = stop.busy - start.busy - (stop.ours - start.ours);
      return Math.min(1, Math.max(0, foreign / capacity));
    },
  };
}
