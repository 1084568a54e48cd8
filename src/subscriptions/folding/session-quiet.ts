import type { PartyState } from './party-state.types';
import { mayEndWhenQuiet } from './status-rules';
import { toMs } from './time';

/**
 * The "session ended" fact (docs/ringcentral.md §3.7.3): every party seen so far is finished (Disconnected or Gone, or stuck on a
 * status code the spec does not know) and nothing
 * about the session has happened or arrived for `quietMs` (measured from the latest `eventTime`, or receipt time
 * when the caller recorded one, whichever is later; a new party during that window would make it busy again).
 * A session whose final event is lost never becomes quiet: the caller needs a hard age limit and the call-log
 * reconciliation for those.
 */
export function isSessionQuiet(session: readonly PartyState[], now: Date | number, quietMs: number): boolean {
  if (session.length === 0) return false;
  if (!session.every((p) => mayEndWhenQuiet(p.status.code))) return false;
  const lastActivity = Math.max(
    ...session.map((p) => Math.max(toMs(p.lastEventTime), p.lastReceivedAt ? toMs(p.lastReceivedAt) : -Infinity)),
  );
  const nowMs = typeof now === 'number' ? now : now.getTime();
  return nowMs - lastActivity >= quietMs;
}
