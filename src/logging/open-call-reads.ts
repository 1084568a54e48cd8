/**
 * Calls still in progress whose start is behind the sync's window. RingCentral's call log filters by the call's START
 * time (dateFrom/dateTo), so the final record of a call longer than the overlap is listed where the window no longer
 * reads. Instead of widening the whole window back to the oldest such call (at a high call rate that reads the whole
 * backlog every period), each run re-reads a few of them, least recently checked first, with a narrow read around
 * their start: a bounded number of extra requests per period, and every call is read again until its record is final.
 */

/** Remembered calls re-read per run and account (one narrow read each, fewer when their starts are close). */
export const OPEN_CALL_READS_PER_RUN = 20;
/** Either side of a start: record start times are whole seconds on RingCentral, a second of slack covers rounding. */
export const OPEN_CALL_SLACK_MS = 1000;

/** [from, to] reads covering each start with its slack, overlapping ones merged, oldest first. */
export function openCallSlices(starts: number[]): [number, number][] {
  const slices: [number, number][] = [];
  for (const start of [...starts].sort((a, b) => a - b)) {
    const last = slices.at(-1);
    if (last && start - OPEN_CALL_SLACK_MS <= last[1]) last[1] = Math.max(last[1], start + OPEN_CALL_SLACK_MS);
    else slices.push([start - OPEN_CALL_SLACK_MS, start + OPEN_CALL_SLACK_MS]);
  }
  return slices;
}
