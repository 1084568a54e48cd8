import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ExtensionDirectoryCache } from '../accounts/extension-directory.cache';
import { truncateText } from '../common/text/storable-text';
import type { AppConfig } from '../config/app-config';
import { MetricsService } from '../health/metrics.service';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JobQueue } from '../jobs/job-queue.service';
import { type ExtensionKind, type TelephonyNotification, isTelephonyNotificationParseError, parseTelephonyNotification } from '../ringcentral/types';
import { CallPartyRepository, type SessionKey, sessionKey } from './call-party.repository';
import { EndedLegRepository } from './ended-leg.repository';
import { detectEndedLeg, type EndedLeg, foldNotifications, isFinalStatus, isSessionQuiet, isUnknownStatus, mayEndWhenQuiet, type PartyState, partyStateKey } from './folding';
import { type ClaimedEvent, InboxRepository } from './inbox.repository';

/** A parsed inbox row. */
interface StoredNotification {
  id: string;
  body: TelephonyNotification['body'];
}

/** One session's share of a fold: the notifications to apply (none when settling). */
interface SessionWork extends SessionKey {
  notifications: StoredNotification[];
}

/** A session after folding: its parties as stored now. */
interface FoldedSession extends SessionKey {
  parties: PartyState[];
}

interface FollowUp {
  legsRecorded: number;
  /** Accounts whose directory lacks an extension that ended a party. */
  syncDirectories: Set<string>;
  /** Sessions with an ended party that cannot be decided yet. */
  undecided: SessionKey[];
}

/** Unexpected fold failures of one row before it is quarantined (parse failures are quarantined at once). */
export const MAX_FOLD_ATTEMPTS = 5;

/**
 * Folds stored notifications into per-party state and turns ended agent parties into legs (call_logs rows).
 *
 * The inbox is the queue: `foldNext` claims unfolded rows (InboxRepository.claim, `FOR UPDATE SKIP LOCKED`) and, in
 * the same transaction, folds them and marks each one folded or quarantined. Each notification is parsed again with
 * the parser (lenient: only what folding cannot do without makes it unfoldable); one that cannot be parsed or folded
 * is quarantined with its reason and the others fold. Should the batch's transaction fail anyway, its rows are folded
 * one by one, and a row that keeps failing is quarantined after MAX_FOLD_ATTEMPTS.
 *
 * The sessions of a claim are folded under their advisory locks: one read of their parties, one upsert, one insert
 * of the new legs and their logging jobs. A party that ended while notifications before it are still missing, or
 * whose extension the directory does not know yet, is decided later by `session.settle`.
 */
@Injectable()
export class EventFoldingJob {
  private readonly logger = new Logger(EventFoldingJob.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly inbox: InboxRepository,
    private readonly parties: CallPartyRepository,
    private readonly legs: EndedLegRepository,
    private readonly directory: ExtensionDirectoryCache,
    private readonly queue: JobQueue,
    private readonly metrics: MetricsService,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  /** Claims and folds up to `limit` unfolded notifications; returns how many it claimed (0: the inbox is folded). */
  async foldNext(limit: number): Promise<number> {
    let claimed: ClaimedEvent[] = [];
    let followUp: FollowUp;
    try {
      followUp = await this.dataSource.transaction(async (tx) => {
        claimed = await this.inbox.claim(tx, limit);
        return this.foldClaimed(tx, claimed);
      });
    } catch (error) {
      if (!claimed.length) throw error;
      // Something in this claim broke the transaction: one by one, so only the culprit is held back.
      if (claimed.length === 1) await this.recordFailure(claimed[0]!.id, error);
      else for (const row of claimed) await this.foldOne(row.id);
      return claimed.length;
    }
    await this.afterCommit(followUp);
    return claimed.length;
  }

  @JobHandler('session.settle', { concurrency: 2 })
  async settle({ accountId, telephonySessionId }: { accountId: string; telephonySessionId: string }): Promise<void> {
    const followUp = await this.dataSource.transaction((tx) => this.foldSessions(tx, [{ accountId, telephonySessionId, notifications: [] }], true, () => undefined));
    await this.afterCommit(followUp);
  }

  private async foldOne(id: string): Promise<void> {
    let followUp: FollowUp;
    try {
      followUp = await this.dataSource.transaction(async (tx) => this.foldClaimed(tx, await this.inbox.claim(tx, 1, id)));
    } catch (error) {
      await this.recordFailure(id, error);
      return;
    }
    await this.afterCommit(followUp);
  }

  /** Parses, folds and marks claimed rows, inside the claim's transaction. */
  private async foldClaimed(tx: EntityManager, rows: ClaimedEvent[]): Promise<FollowUp> {
    const quarantined: { id: string; reason: string }[] = [];
    const sessions = new Map<string, SessionWork>();
    for (const row of rows) {
      if (row.intakeProblem) {
        quarantined.push({ id: row.id, reason: `stored altered at intake: ${row.intakeProblem}` });
        continue;
      }
      const stored = parseStoredJson(row.payloadJson);
      if (!stored) {
        quarantined.push({ id: row.id, reason: 'the stored notification is not JSON' });
        continue;
      }
      const notification = parseTelephonyNotification(stored.json);
      if (isTelephonyNotificationParseError(notification)) {
        quarantined.push({ id: row.id, reason: `${notification.field}: ${notification.error}` });
        continue;
      }
      const key = sessionKey({ accountId: row.accountId, telephonySessionId: notification.body.telephonySessionId });
      const work = sessions.get(key) ?? { accountId: row.accountId, telephonySessionId: notification.body.telephonySessionId, notifications: [] };
      work.notifications.push({ id: row.id, body: notification.body });
      sessions.set(key, work);
    }
    const followUp = await this.foldSessions(tx, [...sessions.values()], false, (id, error) => quarantined.push({ id, reason: `fold: ${errorMessage(error)}` }));
    const held = new Set(quarantined.map((q) => q.id));
    await this.inbox.quarantine(tx, quarantined);
    await this.inbox.markFolded(tx, rows.filter((r) => !held.has(r.id)).map((r) => r.id));
    for (const q of quarantined) {
      this.metrics.eventsQuarantined.inc();
      this.logger.warn({ inboundEventId: q.id, reason: truncateText(q.reason, 300) }, 'notification quarantined');
    }
    return followUp;
  }

  /**
   * Applies the sessions' notifications to their stored parties under their locks, stores what changed, then records
   * any newly ended legs. `settling`: the session is being decided after its quiet period (gaps are accepted as lost
   * notifications). A notification that cannot be applied is reported to `onError` and left out.
   */
  private async foldSessions(tx: EntityManager, work: SessionWork[], settling: boolean, onError: (inboundEventId: string, error: unknown) => void): Promise<FollowUp> {
    if (!work.length) return { legsRecorded: 0, syncDirectories: new Set(), undecided: [] };
    await this.parties.lockSessions(tx, work);
    const stored = await this.parties.findSessions(tx, work);
    const receivedAt = new Date().toISOString();
    const changed: { accountId: string; state: PartyState }[] = [];
    const folded = work.map((session): FoldedSession => {
      const before = new Map((stored.get(sessionKey(session)) ?? []).map((p) => [partyStateKey(p.accountId, p.telephonySessionId, p.partyId), p]));
      const after = foldNotifications(session.notifications, before, { receivedAt, onError: (n, error) => onError(n.id, error) });
      for (const [key, state] of after) if (before.get(key) !== state) changed.push({ accountId: session.accountId, state });
      return { ...session, parties: [...after.values()] };
    });
    await this.parties.upsertMany(tx, changed);
    return this.recordEndedLegs(tx, folded, settling);
  }

  /** What follows a committed fold: wake the logging workers, sync directories, schedule settles. Never fails the fold. */
  private async afterCommit(followUp: FollowUp): Promise<void> {
    try {
      if (followUp.legsRecorded) this.queue.notify('call.log');
      for (const accountId of followUp.syncDirectories) {
        await this.queue.enqueue('directory.sync', { accountId }, { singletonKey: accountId, singletonSeconds: 300 });
      }
      for (const session of followUp.undecided) await this.scheduleSettle(session);
    } catch (error) {
      this.logger.warn({ error: errorMessage(error) }, 'could not schedule the follow-up of a fold');
    }
  }

  private async recordFailure(id: string, error: unknown): Promise<void> {
    const reason = errorMessage(error);
    try {
      const failure = await this.inbox.recordFailure(id, reason, MAX_FOLD_ATTEMPTS);
      if (failure.quarantined) this.metrics.eventsQuarantined.inc();
      this.logger.warn({ inboundEventId: id, attempts: failure.attempts, quarantined: failure.quarantined, error: reason }, 'could not fold a notification');
    } catch (recordError) {
      this.logger.error({ inboundEventId: id, error: errorMessage(recordError) }, 'could not record a fold failure');
    }
  }

  private async recordEndedLegs(tx: EntityManager, sessions: FoldedSession[], settling: boolean): Promise<FollowUp> {
    const followUp: FollowUp = { legsRecorded: 0, syncDirectories: new Set(), undecided: [] };
    const ended = sessions.filter((s) => s.parties.some((p) => mayHaveEnded(p, s.parties)));
    if (!ended.length) return followUp;
    const recorded = await this.legs.extensionsRecorded(tx, ended);
    const now = Date.now();
    const quietMs = this.config.get('app', { infer: true }).sessionQuietMs;
    const newLegs: { accountId: string; leg: EndedLeg }[] = [];
    for (const session of ended) {
      const done = recorded.get(sessionKey(session)) ?? new Set<string>();
      const pending = session.parties.filter((p) => mayHaveEnded(p, session.parties) && !done.has(p.extensionId!));
      if (!pending.length) continue;
      const quiet = settling && isSessionQuiet(session.parties, now, quietMs);
      const entries = await this.directory.entries(session.accountId, session.parties.flatMap((p) => (p.extensionId ? [p.extensionId] : [])));
      const kindOf = (extensionId: string) => entries.get(extensionId)?.type as ExtensionKind | undefined;
      let undecided = false;
      for (const party of pending) {
        const outcome = detectEndedLeg(party, session.parties, kindOf, { sessionQuiet: quiet });
        if (outcome === null) {
          undecided = true;
        } else if ('skip' in outcome) {
          if (outcome.skip === 'unknown-extension' && !quiet) {
            undecided = true;
            followUp.syncDirectories.add(session.accountId);
          } else {
            this.logger.debug({ accountId: session.accountId, telephonySessionId: session.telephonySessionId, partyId: party.partyId, skip: outcome.skip, detail: outcome.detail }, 'party is not an agent leg');
          }
        } else if (!done.has(outcome.extensionId)) {
          done.add(outcome.extensionId);
          newLegs.push({ accountId: session.accountId, leg: outcome });
        }
      }
      if (undecided && !quiet) followUp.undecided.push({ accountId: session.accountId, telephonySessionId: session.telephonySessionId });
    }
    const inserted = await this.legs.insertMany(tx, newLegs);
    for (const { leg } of inserted) this.metrics.legsEnded.inc({ kind: leg.kind });
    // Same transaction: a leg exists if and only if its logging job does.
    await this.queue.enqueueMany('call.log', inserted.map(({ id }) => ({ callLogId: id })), { transaction: tx });
    followUp.legsRecorded = inserted.length;
    return followUp;
  }

  /** Decide once the session has been quiet for a while: one pending job per session (pg-boss singleton slot). */
  private async scheduleSettle(session: SessionKey): Promise<void> {
    const quietMs = this.config.get('app', { infer: true }).sessionQuietMs;
    await this.queue.enqueue('session.settle', { accountId: session.accountId, telephonySessionId: session.telephonySessionId }, {
      startAfter: Date.now() + quietMs,
      singletonKey: `${session.accountId}:${session.telephonySessionId}`,
      singletonSeconds: Math.max(1, Math.ceil(quietMs / 1000)),
    });
  }
}

/**
 * An agent-side party worth asking `detectEndedLeg` about: it ended, or it sits on a status code the spec does not
 * know while every party of its session has ended or sits on one too (then the session's quiet period decides; a
 * session with a party in a known live state, such as Answered, is still going on and is not settled over and over).
 */
function mayHaveEnded(party: PartyState, session: readonly PartyState[]): boolean {
  if (!party.extensionId) return false;
  if (isFinalStatus(party.status.code)) return true;
  return isUnknownStatus(party.status.code) && session.every((p) => mayEndWhenQuiet(p.status.code));
}

/** A bounded, single-line account of an error for a log line or a stored reason (never a query's parameters). */
function errorMessage(error: unknown): string {
  const message = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  return truncateText(message.replace(/\s+/g, ' '), 500);
}

/** The stored notification parsed (the intake stores JSON text only; a row written by other means may not be). */
function parseStoredJson(text: string): { json: unknown } | undefined {
  try {
    return { json: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}
