/** Records appear 15-30 s after a call ends, keyed by start time; re-reading this far back catches late and changed ones. */
export const MIN_OVERLAP_MS = 10 * 60_000;

export interface SyncWindowInput {
  now: number;
  /** Where the last successful read ended; undefined before the first one (then only the overlap is read). */
  watermark?: number;
  /** The earliest start among legs still waiting on their record or recording. */
  oldestOpenStart?: number;
  syncIntervalSeconds: number;
  backfillMaxHours: number;
}

export interface SyncWindow {
  dateFrom: number;
  /** The part of the gap older than the backfill bound: not read, and shown to the admin. */
  leftOut?: { from: Date; to: Date };
}

/**
 * Where one sync reads from: the watermark less an overlap (at least two periods), earlier still for legs waiting on
 * their record, never further back than CALL_LOG_BACKFILL_MAX_HOURS (what is older is left out, and said so).
 */
export function syncWindow(input: SyncWindowInput): SyncWindow {
  const overlapMs = Math.max(MIN_OVERLAP_MS, 2 * input.syncIntervalSeconds * 1000);
  let dateFrom = (input.watermark ?? input.now) - overlapMs;
  if (input.oldestOpenStart !== undefined && input.oldestOpenStart < dateFrom) dateFrom = input.oldestOpenStart;
  const floor = input.now - input.backfillMaxHours * 3600_000;
  if (dateFrom >= floor) return { dateFrom };
  return { dateFrom: floor, leftOut: { from: new Date(dateFrom), to: new Date(floor) } };
}
