/**
 * Calls still in progress whose start is behind the sync's window. RingCentral's call log filters by the call's START
 * time (dateFrom/dateTo), so the final record of a call longer than the overlap is listed where the window no longer
 * reads. Instead of widening the whole window back to the oldest such call (at a high call rate that reads the whole
 * backlog every period), each run re-reads a few of them, least recently checked first, with a narrow read around
 * their start: a bounded number of extra requests per period, and every call is read again until its record is final.
 */

/**
 * Remembered calls re-read per run and account (one narrow read each, fewer when their starts are close). The call log
 * is in RingCentral's Heavy group, 10 requests a minute per user by default: with the main read at one request a
 * period (60 s by default), 4 more keep a run well inside it, so the gate never has to close the group on the sync.
 */
export const OPEN_CALL_READS_PER_RUN = 4;
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
