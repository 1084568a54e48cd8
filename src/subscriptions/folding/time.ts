/** ISO timestamps compared as instants: RingCentral's formats vary (`Z`, offsets, with or without milliseconds). */
export function toMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`not an ISO date-time: "${iso}"`);
  return ms;
}

export function earliestTime(times: readonly string[]): string {
  return times.reduce((best, t) => (toMs(t) < toMs(best) ? t : best));
}

export function latestTime(times: readonly string[]): string {
  return times.reduce((best, t) => (toMs(t) > toMs(best) ? t : best));
}
