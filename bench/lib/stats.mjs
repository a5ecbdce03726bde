/** Median of a non-empty list of numbers (mean of the middle two for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function medianOrNull(values) {
  const known = values.filter((v) => v !== null && v !== undefined && Number.isFinite(v));
  return known.length ? median(known) : null;
}

/**
 * One row per target from its rounds: medians of req/s, p50 and p99 (each on its own, so the p99
 * is the median round's p99, not a p99 of p99s), summed errors, and the ratio of its median req/s to
 * each reference target's.
 */
export function summarise(targets, references) {
  const rows = targets.map((t) => {
    if (!t.rounds?.length) return { name: t.name, description: t.description, available: false, reason: t.reason };
    return {
      name: t.name,
      description: t.description,
      available: true,
      rps: median(t.rounds.map((r) => r.rps)),
      p50Ms: median(t.rounds.map((r) => r.p50Ms)),
      p99Ms: median(t.rounds.map((r) => r.p99Ms)),
      rpsPerRound: t.rounds.map((r) => Math.round(r.rps)),
      // Cores the target's processes used, and req/s per core used: what it would do with its core
      // saturated, a fair comparison when the machine (upstream, load generator) limits it first.
      targetCores: medianOrNull(t.rounds.map((r) => r.proxyCores)),
      rpsPerCore: medianOrNull(t.rounds.map((r) => (r.proxyCores ? r.rps / r.proxyCores : null))),
      // Processes outside our tree working for the target (its PostgreSQL backends), not pinned.
      companionCores: medianOrNull(t.rounds.map((r) => r.companionCores)),
      requests: t.rounds.reduce((sum, r) => sum + r.requests, 0),
      // null for targets that are not proxies (nothing to count at an upstream).
      upstreamServed: t.rounds.some((r) => r.upstreamServed === null || r.upstreamServed === undefined)
        ? null
        : t.rounds.reduce((sum, r) => sum + r.upstreamServed, 0),
      errors: t.rounds.reduce((sum, r) => sum + r.errors, 0),
      non2xx: t.rounds.reduce((sum, r) => sum + r.non2xx, 0),
      warnings: t.warnings ?? [],
      // Share of the machine's CPU other processes used during each round (null where unknown).
      foreignCpuPerRound: t.rounds.map((r) => r.foreignCpu ?? null),
    };
  });
  for (const row of rows) {
    row.ratios = {};
    for (const reference of references) {
      const ref = rows.find((r) => r.name === reference && r.available);
      row.ratios[reference] = row.available && ref ? row.rps / ref.rps : null;
    }
  }
  return rows;
}
