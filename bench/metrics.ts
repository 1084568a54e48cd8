/** Reads the service's own Prometheus counters (GET /metrics), to explain a phase from the inside. */

export type MetricSample = Map<string, number>;

/** Every sample of the families starting with one of `prefixes`, keyed by name plus labels as printed (`name{a="b"}`). */
export async function scrapeMetrics(serviceUrl: string, prefixes: string[] = ['sscl_']): Promise<MetricSample> {
  const out: MetricSample = new Map();
  try {
    const res = await fetch(`${serviceUrl}/metrics`);
    const text = await res.text();
    for (const line of text.split('\n')) {
      if (!prefixes.some((p) => line.startsWith(p))) continue;
      const at = line.lastIndexOf(' ');
      const value = Number(line.slice(at + 1));
      if (Number.isFinite(value)) out.set(line.slice(0, at), value);
    }
  } catch {
    // a process that is gone has no metrics
  }
  return out;
}

/** after − before for every key, summed over processes; keys whose value did not change are left out. */
export function metricDelta(before: MetricSample[], after: MetricSample[]): Record<string, number> {
  const sum = (samples: MetricSample[]) => {
    const total = new Map<string, number>();
    for (const s of samples) for (const [k, v] of s) total.set(k, (total.get(k) ?? 0) + v);
    return total;
  };
  const b = sum(before);
  const out: Record<string, number> = {};
  for (const [k, v] of sum(after)) {
    const d = v - (b.get(k) ?? 0);
    if (d !== 0 && !k.includes('_bucket{')) out[k] = Math.round(d * 1000) / 1000;
  }
  return out;
}

/** Mean of a histogram from its _sum and _count deltas (all label sets whose key contains `match`). */
export function histogramMean(delta: Record<string, number>, name: string, match = ''): number {
  let sum = 0;
  let count = 0;
  for (const [k, v] of Object.entries(delta)) {
    if (!k.includes(match)) continue;
    if (k.startsWith(`${name}_sum`)) sum += v;
    if (k.startsWith(`${name}_count`)) count += v;
  }
  return count ? sum / count : NaN;
}
