import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ExtensionDirectoryCache } from '../accounts/extension-directory.cache';
import type { AppConfig } from '../config/app-config';
import { MetricsService } from '../health/metrics.service';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JobQueue } from '../jobs/job-queue.service';
import type { ExtensionKind, TelephonyNotification } from '../ringcentral/types';
import { CallPartyRepository, type SessionKey, sessionKey } from './call-party.repository';
import { EndedLegRepository } from './ended-leg.repository';
import { applyPartyEvent, detectEndedLeg, type EndedLeg, isFinalStatus, isSessionQuiet, type PartyState } from './folding';

interface StoredEvent {
  id: string;
  account_id: string;
  payload: TelephonyNotification;
}

/** One session's share of a fold: the notifications to apply (none when settling). */
interface SessionWork extends SessionKey {
  notifications: TelephonyNotification['body'][];
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

/**
 * Folds stored notifications into per-party state and turns ended agent parties into legs (call_logs rows). A fold
 * job's sessions are folded in one transaction under their advisory locks: one read of their parties, one upsert,
 * one insert of the new legs and their logging jobs. A party that ended while notifications before it are still
 * missing, or whose extension the directory does not know yet, is decided later by `session.settle`.
 */
@Injectable()
export class EventFoldingJob {
  private readonly logger = new Logger(EventFoldingJob.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly parties: CallPartyRepository,
    private readonly legs: EndedLegRepository,
    private readonly directory: ExtensionDirectoryCache,
    private readonly queue: JobQueue,
    private readonly metrics: MetricsService,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  @JobHandler('events.fold', { concurrency: 4, batchSize: 32 })
  async fold({ inboundEventIds }: { inboundEventIds: string[] }): Promise<void> {
    const events: StoredEvent[] = await this.dataSource.query('SELECT id, account_id, payload FROM inbound_events WHERE id = ANY($1::bigint[]) ORDER BY id', [inboundEventIds]);
    const sessions = new Map<string, SessionWork>();
    for (const { account_id: accountId, payload } of events) {
      const key = sessionKey({ accountId, telephonySessionId: payload.body.telephonySessionId });
      const work = sessions.get(key) ?? { accountId, telephonySessionId: payload.body.telephonySessionId, notifications: [] };
      work.notifications.push(payload.body);
      sessions.set(key, work);
    }
    await this.foldSessions([...sessions.values()], false);
  }

  @JobHandler('session.settle', { concurrency: 2 })
  async settle({ accountId, telephonySessionId }: { accountId: string; telephonySessionId: string }): Promise<void> {
    await this.foldSessions([{ accountId, telephonySessionId, notifications: [] }], true);
  }

  /**
   * Applies the sessions' notifications to their stored parties under their locks, stores what changed, then records
   * any newly ended legs. `settling`: the session is being decided after its quiet period (gaps are accepted as lost
   * notifications).
   */
  private async foldSessions(work: SessionWork[], settling: boolean): Promise<void> {
    if (!work.length) return;
    const followUp = await this.dataSource.transaction(async (tx) => {
      await this.parties.lockSessions(tx, work);
      const stored = await this.parties.findSessions(tx, work);
      const changed: { accountId: string; state: PartyState }[] = [];
      const folded = work.map((session): FoldedSession => {
        const before = stored.get(sessionKey(session)) ?? [];
        const updated = applyNotifications(before, session.notifications);
        for (const state of updated) changed.push({ accountId: session.accountId, state });
        return { ...session, parties: [...before.filter((p) => !updated.some((u) => u.partyId === p.partyId)), ...updated] };
      });
      await this.parties.upsertMany(tx, changed);
      return this.recordEndedLegs(tx, folded, settling);
    });
    if (followUp.legsRecorded) this.queue.notify('call.log');
    for (const accountId of followUp.syncDirectories) {
      await this.queue.enqueue('directory.sync', { accountId }, { singletonKey: accountId, singletonSeconds: 300 });
    }
    for (const session of followUp.undecided) await this.scheduleSettle(session);
  }

  private async recordEndedLegs(tx: EntityManager, sessions: FoldedSession[], settling: boolean): Promise<FollowUp> {
    const followUp: FollowUp = { legsRecorded: 0, syncDirectories: new Set(), undecided: [] };
    const ended = sessions.filter((s) => s.parties.some((p) => p.extensionId && isFinalStatus(p.status.code)));
    if (!ended.length) return followUp;
    const recorded = await this.legs.extensionsRecorded(tx, ended);
    const now = Date.now();
    const quietMs = this.config.get('app', { infer: true }).sessionQuietMs;
    const newLegs: { accountId: string; leg: EndedLeg }[] = [];
    for (const session of ended) {
      const done = recorded.get(sessionKey(session)) ?? new Set<string>();
      const pending = session.parties.filter((p) => p.extensionId && isFinalStatus(p.status.code) && !done.has(p.extensionId));
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
    await this.queue.enqueueMany('call.log', inserted.map(({ id }) => ({ callLogId: id })), { transaction: tx, retryLimit: 5, retryDelay: 5, retryBackoff: true });
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

/** The parties these notifications change, folded in order onto the stored ones. */
function applyNotifications(stored: PartyState[], notifications: TelephonyNotification['body'][]): PartyState[] {
  const changed = new Map<string, PartyState>();
  const receivedAt = new Date().toISOString();
  for (const body of notifications) {
    for (const party of body.parties) {
      const current = changed.get(party.id) ?? stored.find((p) => p.partyId === party.id);
      const result = applyPartyEvent(current, body, { ...party, accountId: party.accountId ?? body.parties[0]?.accountId }, receivedAt);
      if (result.changed) changed.set(party.id, result.state);
    }
  }
  return [...changed.values()];
}
