import { partyMatches, wantsSipData } from './event-filters';
import type { IdFactory, Rng } from './random';
import type { Clock, SimKnobs } from './sim-options';
import type { NotificationEnvelope, TelephonySessionEventBody } from './sim-types';
import type { SimStats } from './stats';
import { isDeliverable, type SimSubscription, type SubscriptionStore } from './subscription-store';
import { postNotification } from './webhook-client';
import type { SocketDelivery } from './ws-gateway';

/**
 * Turns session events into webhook envelopes for every matching subscription and delivers them, applying the
 * delivery knobs (drop, shuffle, duplicate, delay). Notifications of one (subscription, session) are sent one after
 * another; different sessions and subscriptions are delivered concurrently, as a real platform would.
 */

export interface TimedBody {
  body: TelephonySessionEventBody;
  /** Real milliseconds after the start of the play when this notification is due. */
  dueMs: number;
}

export interface DeliveryItem {
  subscription: SimSubscription;
  envelope: NotificationEnvelope;
  dueMs: number;
}

export interface DispatchResult {
  delivered: NotificationEnvelope[];
  dropped: NotificationEnvelope[];
}

/** One webhook POST as the simulator made it (benchmarks time the pipeline from `sentAt`). */
export interface DeliveryRecord {
  envelope: NotificationEnvelope;
  /** Epoch ms when the POST started and when its answer (or failure) came back. */
  sentAt: number;
  answeredAt: number;
  ok: boolean;
  status?: number;
  /** Why a delivery failed, in the platform's wording (as in `blacklistedData.reason`). */
  reason?: string;
  duplicate: boolean;
}

export type DeliveryListener = (delivery: DeliveryRecord) => void;

export interface DispatcherDeps {
  subscriptions: SubscriptionStore;
  knobs: SimKnobs;
  stats: () => SimStats;
  rng: Rng;
  ids: IdFactory;
  clock: Clock;
  stop: AbortSignal;
  /** Told about every POST made (see RingCentralSim.onDelivery). */
  listeners?: ReadonlySet<DeliveryListener>;
  /** Where WebSocket subscriptions' notifications go (the gateway: sent on the socket, or buffered for recovery). */
  websockets?: { deliver(sub: SimSubscription, envelope: NotificationEnvelope): SocketDelivery };
}

export function eventPath(accountId: string, extensionId?: string): string {
  return extensionId
    ? `/restapi/v1.0/account/${accountId}/extension/${extensionId}/telephony/sessions`
    : `/restapi/v1.0/account/${accountId}/telephony/sessions`;
}

export function sleep(ms: number, stop: AbortSignal): Promise<void> {
  if (ms <= 0 || stop.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    }
    stop.addEventListener('abort', done, { once: true });
  });
}

export class NotificationDispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  /** Builds one envelope per (event, matching subscription); `only` restricts to one subscription. */
  envelopesFor(accountId: string, events: TimedBody[], only?: SimSubscription): DeliveryItem[] {
    const now = this.deps.clock.now();
    const subs = only ? [only] : this.deps.subscriptions.deliverable(accountId, now);
    const items: DeliveryItem[] = [];
    for (const { body, dueMs } of events) {
      const party = body.parties[0];
      for (const sub of subs) {
        const matching = sub.filters.filter((f) => partyMatches(f, accountId, party));
        if (matching.length === 0) continue;
        const withSip = matching.some(wantsSipData);
        const delivered: TelephonySessionEventBody = withSip
          ? { ...body, parties: [{ ...party, sipData: { callId: this.deps.ids.messageId(), toTag: this.deps.rng.hex(8), fromTag: this.deps.rng.hex(8) } }] }
          : body;
        const envelope: NotificationEnvelope = {
          uuid: this.deps.ids.notificationUuid(),
          event: eventPath(accountId, party.extensionId),
          timestamp: new Date(Date.parse(body.eventTime) + this.deps.rng.int(14, 113)).toISOString(),
          subscriptionId: sub.id,
          ownerId: sub.extensionId,
          body: delivered,
        };
        items.push({ subscription: sub, envelope, dueMs });
      }
    }
    return items;
  }

  /**
   * Re-addresses ready-made envelopes (replays): uuid, timestamp and body are kept; subscriptionId and ownerId are
   * those of each matching subscription.
   */
  readdress(accountId: string, envelopes: { envelope: NotificationEnvelope; dueMs: number }[], only?: SimSubscription): DeliveryItem[] {
    const subs = only ? [only] : this.deps.subscriptions.deliverable(accountId, this.deps.clock.now());
    const items: DeliveryItem[] = [];
    for (const { envelope, dueMs } of envelopes) {
      const party = envelope.body.parties[0];
      for (const sub of subs) {
        if (!only && !sub.filters.some((f) => partyMatches(f, accountId, party))) continue;
        items.push({ subscription: sub, envelope: { ...envelope, subscriptionId: sub.id, ownerId: sub.extensionId }, dueMs });
      }
    }
    return items;
  }

  /** Applies the knobs synchronously (so a seed gives the same perturbations), then sends. */
  async deliver(items: DeliveryItem[]): Promise<DispatchResult> {
    const { knobs, rng } = this.deps;
    const stats = this.deps.stats();
    const groups = new Map<string, DeliveryItem[]>();
    for (const item of items) {
      const key = `${item.subscription.id}|${item.envelope.body.telephonySessionId}`;
      groups.set(key, [...(groups.get(key) ?? []), item]);
    }
    const dropped: NotificationEnvelope[] = [];
    const droppedCalls = this.droppedCalls(items);
    const lanes: { item: DeliveryItem; dueMs: number; duplicate: boolean }[][] = [];
    for (const group of groups.values()) {
      const slots = group.map((i) => i.dueMs);
      let kept = group.filter((item) => {
        if (!droppedCalls.has(item.envelope.body.telephonySessionId) && !rng.chance(knobs.dropRate)) return true;
        dropped.push(item.envelope);
        stats.deliveries.dropped++;
        return false;
      });
      if (knobs.shuffle) kept = rng.shuffle(kept);
      const lane = kept.map((item, i) => ({ item, dueMs: slots[i], duplicate: false }));
      for (const entry of [...lane]) {
        if (!rng.chance(knobs.duplicateRate)) continue;
        const at = lane.indexOf(entry) + 1 + rng.int(0, lane.length - lane.indexOf(entry) - 1);
        lane.splice(at, 0, { item: entry.item, dueMs: entry.dueMs, duplicate: true });
      }
      lanes.push(lane);
    }
    const delivered: NotificationEnvelope[] = [];
    const start = Date.now();
    await Promise.all(
      lanes.map(async (lane) => {
        for (const { item, dueMs, duplicate } of lane) {
          await sleep(start + dueMs + knobs.deliveryDelayMs - Date.now(), this.deps.stop);
          if (this.deps.stop.aborted) return;
          if (await this.send(item, duplicate)) delivered.push(item.envelope);
        }
      }),
    );
    return { delivered, dropped };
  }

  /** Sessions none of whose notifications are delivered (`dropCallRate`); drawn only when the knob is on. */
  private droppedCalls(items: DeliveryItem[]): Set<string> {
    const dropped = new Set<string>();
    if (this.deps.knobs.dropCallRate <= 0) return dropped;
    for (const session of new Set(items.map((i) => i.envelope.body.telephonySessionId))) {
      if (this.deps.rng.chance(this.deps.knobs.dropCallRate)) dropped.add(session);
    }
    return dropped;
  }

  /** Returns true when a POST was made (whatever its outcome). */
  private async send(item: DeliveryItem, duplicate: boolean): Promise<boolean> {
    const { subscriptions, knobs, clock, stop } = this.deps;
    const stats = this.deps.stats();
    const sub = item.subscription;
    if (!isDeliverable(sub, clock.now())) {
      stats.deliveries.skipped++;
      return false;
    }
    if (sub.transport === 'WebSocket') return this.sendOverSocket(item, duplicate);
    stats.deliveries.attempted++;
    if (duplicate) stats.deliveries.duplicated++;
    const sentAt = Date.now();
    const result = await postNotification(sub.address, item.envelope, sub.verificationToken, knobs.webhookTimeoutMs, stop);
    const answeredAt = Date.now();
    if (result.ok) stats.deliveries.succeeded++;
    else stats.deliveries.failed++;
    subscriptions.recordDelivery(sub, result.ok, result.ok ? '' : result.reason, knobs.webhookFailureThreshold, clock.now());
    for (const listener of this.deps.listeners ?? []) listener({ envelope: item.envelope, sentAt, answeredAt, ok: result.ok, status: result.status, reason: result.ok ? undefined : result.reason, duplicate });
    return true;
  }

  /** A WebSocket subscription: the frame goes out on its socket, or waits in its session for a recovery. */
  private sendOverSocket(item: DeliveryItem, duplicate: boolean): boolean {
    const stats = this.deps.stats();
    const outcome = this.deps.websockets?.deliver(item.subscription, item.envelope) ?? 'gone';
    if (outcome === 'gone') {
      stats.deliveries.skipped++;
      return false;
    }
    stats.deliveries.attempted++;
    stats.deliveries.succeeded++;
    if (duplicate) stats.deliveries.duplicated++;
    item.subscription.delivered++;
    const at = Date.now();
    for (const listener of this.deps.listeners ?? []) listener({ envelope: item.envelope, sentAt: at, answeredAt: at, ok: true, duplicate });
    return true;
  }
}
