import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ExtensionDirectoryRepository } from '../accounts/extension-directory.repository';
import type { AppConfig } from '../config/app-config';
import { MetricsService } from '../health/metrics.service';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JobQueue } from '../jobs/job-queue.service';
import type { ExtensionKind, TelephonyNotification } from '../ringcentral/types';
import { CallPartyRepository } from './call-party.repository';
import { EndedLegRepository } from './ended-leg.repository';
import { applyPartyEvent, detectEndedLeg, isFinalStatus, isSessionQuiet, type PartyState } from './folding';

interface StoredEvent {
  id: string;
  account_id: string;
  payload: TelephonyNotification;
}

/**
 * Folds stored notifications into per-party state and turns ended agent parties into legs (call_logs rows). One
 * session at a time, under its advisory lock. A party that ended while notifications before it are still missing,
 * or whose extension the directory does not know yet, is decided later by `session.settle`.
 */
@Injectable()
export class EventFoldingJob {
  private readonly logger = new Logger(EventFoldingJob.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly parties: CallPartyRepository,
    private readonly legs: EndedLegRepository,
    private readonly directory: ExtensionDirectoryRepository,
    private readonly queue: JobQueue,
    private readonly metrics: MetricsService,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  @JobHandler('events.fold', { concurrency: 4, batchSize: 32 })
  async fold({ inboundEventIds }: { inboundEventIds: string[] }): Promise<void> {
    const events: StoredEvent[] = await this.dataSource.query('SELECT id, account_id, payload FROM inbound_events WHERE id = ANY($1::bigint[]) ORDER BY id', [inboundEventIds]);
    const bySession = new Map<string, StoredEvent[]>();
    for (const event of events) {
      const key = `${event.account_id}|${event.payload.body.telephonySessionId}`;
      bySession.set(key, [...(bySession.get(key) ?? []), event]);
    }
    for (const sessionEvents of bySession.values()) {
      const { account_id: accountId, payload } = sessionEvents[0]!;
      await this.withSession(accountId, payload.body.telephonySessionId, false, (session) => {
        const changed = new Map<string, PartyState>();
        for (const { payload: notification } of sessionEvents) {
          for (const party of notification.body.parties) {
            const current = changed.get(party.id) ?? session.find((p) => p.partyId === party.id);
            const result = applyPartyEvent(current, notification.body, { ...party, accountId: party.accountId ?? notification.body.parties[0]?.accountId }, new Date().toISOString());
            if (result.changed) changed.set(party.id, result.state);
          }
        }
        return [...changed.values()];
      });
    }
  }

  @JobHandler('session.settle', { concurrency: 2 })
  async settle({ accountId, telephonySessionId }: { accountId: string; telephonySessionId: string }): Promise<void> {
    await this.withSession(accountId, telephonySessionId, true, () => []);
  }

  /**
   * Applies `update` to the session's parties under its lock, stores what changed, then records any newly ended legs.
   * `settling`: the session is being decided after its quiet period (gaps are accepted as lost notifications).
   */
  private async withSession(accountId: string, telephonySessionId: string, settling: boolean, update: (session: PartyState[]) => PartyState[]): Promise<void> {
    const quietMs = this.config.get('app', { infer: true }).sessionQuietMs;
    const followUp = await this.dataSource.transaction(async (tx) => {
      await this.parties.lockSession(tx, accountId, telephonySessionId);
      const stored = await this.parties.findSession(tx, accountId, telephonySessionId);
      const changed = update(stored);
      await this.parties.upsertMany(tx, accountId, changed);
      const session = [...stored.filter((p) => !changed.some((c) => c.partyId === p.partyId)), ...changed];
      const quiet = settling && isSessionQuiet(session, Date.now(), quietMs);
      return this.recordEndedLegs(tx, accountId, session, quiet);
    });
    if (followUp.legsRecorded) this.queue.notify('call.log');
    if (followUp.syncDirectory) {
      await this.queue.enqueue('directory.sync', { accountId }, { singletonKey: accountId, singletonSeconds: 300 });
    }
    if (followUp.undecided) {
      // Decide once the session has been quiet for a while; the singleton slot keeps this to one pending job.
      await this.queue.enqueue('session.settle', { accountId, telephonySessionId }, {
        startAfter: Date.now() + quietMs,
        singletonKey: `${accountId}:${telephonySessionId}`,
        singletonSeconds: Math.max(1, Math.ceil(quietMs / 1000)),
      });
    }
  }

  private async recordEndedLegs(tx: EntityManager, accountId: string, session: PartyState[], quiet: boolean): Promise<{ undecided: boolean; syncDirectory: boolean; legsRecorded: number }> {
    const candidates = session.filter((p) => p.extensionId && isFinalStatus(p.status.code));
    if (!candidates.length) return { undecided: false, syncDirectory: false, legsRecorded: 0 };
    const telephonySessionId = candidates[0]!.telephonySessionId;
    const recorded = await this.legs.extensionsRecorded(tx, accountId, telephonySessionId);
    const pending = candidates.filter((p) => !recorded.has(p.extensionId!));
    if (!pending.length) return { undecided: false, syncDirectory: false, legsRecorded: 0 };
    const kinds = await this.directory.kinds(accountId, [...new Set(session.flatMap((p) => (p.extensionId ? [p.extensionId] : [])))]);
    const directory = (extensionId: string) => kinds.get(extensionId) as ExtensionKind | undefined;
    let undecided = false;
    let syncDirectory = false;
    let legsRecorded = 0;
    for (const party of pending) {
      const outcome = detectEndedLeg(party, session, directory, { sessionQuiet: quiet });
      if (outcome === null) {
        undecided = true;
      } else if ('skip' in outcome) {
        if (outcome.skip === 'unknown-extension' && !quiet) {
          undecided = true;
          syncDirectory = true;
        } else {
          this.logger.debug({ accountId, telephonySessionId, partyId: party.partyId, skip: outcome.skip, detail: outcome.detail }, 'party is not an agent leg');
        }
      } else {
        const callLogId = await this.legs.insert(tx, accountId, outcome);
        if (callLogId) {
          recorded.add(outcome.extensionId);
          legsRecorded++;
          this.metrics.legsEnded.inc({ kind: outcome.kind });
          // Same transaction: the leg exists if and only if its logging job does.
          await this.queue.enqueue('call.log', { callLogId }, { transaction: tx, retryLimit: 5, retryDelay: 5, retryBackoff: true });
        }
      }
    }
    return { undecided: undecided && !quiet, syncDirectory, legsRecorded };
  }
}
