import { randomUUID } from 'node:crypto';
import type { ParsedFilter } from './event-filters';

/** WebHook and WebSocket subscriptions (docs/ringcentral.md §2.1, §2.3, §2.4). */

export const MAX_WEBHOOK_EXPIRES_IN = 315360000;
/** Not documented; App Connect asks for 7 days, so that is what an omitted `expiresIn` gets here. */
export const DEFAULT_EXPIRES_IN = 604800;

export interface SimSubscription {
  id: string;
  accountId: string;
  /** The subscription owner (token user); becomes the envelope's `ownerId`. */
  extensionId: string;
  clientId: string;
  filters: ParsedFilter[];
  disabledFilters: { filter: string; reason: string; message: string }[];
  address: string;
  verificationToken?: string;
  /** Absent for WebHook. A WebSocket subscription lives on one gateway session (its `wsc` token). */
  transport?: 'WebSocket';
  wsSession?: string;
  creationTime: number;
  /** The effective lifetime asked for; renewals extend by it again. */
  expiresIn: number;
  expiresAt: number;
  status: 'Active' | 'Blacklisted';
  blacklistedData?: { reason: string; blacklistedAt: string };
  consecutiveFailures: number;
  deleted: boolean;
  delivered: number;
  failed: number;
}

export interface SubscriptionInfo {
  uri: string;
  id: string;
  creationTime: string;
  status: 'Active' | 'Blacklisted';
  eventFilters: string[];
  disabledFilters?: { filter: string; reason: string; message: string }[];
  expirationTime: string;
  expiresIn: number;
  deliveryMode: { transportType: 'WebHook'; encryption: false; address: string } | { transportType: 'WebSocket'; encryption: false };
  blacklistedData?: { reason: string; blacklistedAt: string };
}

export function clampExpiresIn(value: unknown): number | undefined {
  if (value === undefined || value === null) return DEFAULT_EXPIRES_IN;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) return undefined;
  return Math.min(n, MAX_WEBHOOK_EXPIRES_IN);
}

export class SubscriptionStore {
  private readonly byId = new Map<string, SimSubscription>();

  create(init: Pick<SimSubscription, 'accountId' | 'extensionId' | 'clientId' | 'filters' | 'disabledFilters' | 'address' | 'verificationToken' | 'transport' | 'wsSession'>, expiresIn: number, now: number): SimSubscription {
    const sub: SimSubscription = {
      ...init,
      id: randomUUID(),
      creationTime: now,
      expiresIn,
      expiresAt: now + expiresIn * 1000,
      status: 'Active',
      consecutiveFailures: 0,
      deleted: false,
      delivered: 0,
      failed: 0,
    };
    this.byId.set(sub.id, sub);
    return sub;
  }

  /** Any subscription ever created, including expired and deleted ones. */
  get(id: string): SimSubscription | undefined {
    return this.byId.get(id);
  }

  /** What the platform API can still see: not deleted and not expired. */
  visible(id: string, now: number): SimSubscription | undefined {
    const sub = this.byId.get(id);
    return sub && !sub.deleted && sub.expiresAt > now ? sub : undefined;
  }

  listVisible(owner: { accountId: string; extensionId: string; clientId: string }, now: number): SimSubscription[] {
    return [...this.byId.values()].filter(
      (s) => !s.deleted && s.expiresAt > now && s.accountId === owner.accountId && s.extensionId === owner.extensionId && s.clientId === owner.clientId,
    );
  }

  /** Subscriptions that should receive the account's notifications right now. */
  deliverable(accountId: string, now: number): SimSubscription[] {
    return [...this.byId.values()].filter((s) => s.accountId === accountId && isDeliverable(s, now));
  }

  all(): SimSubscription[] {
    return [...this.byId.values()];
  }

  blacklist(sub: SimSubscription, reason: string, now: number): void {
    sub.status = 'Blacklisted';
    sub.blacklistedData = { reason, blacklistedAt: new Date(now).toISOString() };
  }

  /** Records one delivery attempt; returns true when this failure blacklisted the subscription. */
  recordDelivery(sub: SimSubscription, ok: boolean, failureReason: string, threshold: number, now: number): boolean {
    if (ok) {
      sub.consecutiveFailures = 0;
      sub.delivered++;
      return false;
    }
    sub.failed++;
    sub.consecutiveFailures++;
    if (sub.status === 'Active' && sub.consecutiveFailures >= threshold) {
      this.blacklist(sub, failureReason, now);
      return true;
    }
    return false;
  }
}

export function isDeliverable(sub: SimSubscription, now: number): boolean {
  return !sub.deleted && sub.status === 'Active' && sub.expiresAt > now;
}

export function toSubscriptionInfo(sub: SimSubscription, baseUrl: string, now: number): SubscriptionInfo {
  const info: SubscriptionInfo = {
    uri: `${baseUrl}/restapi/v1.0/subscription/${sub.id}`,
    id: sub.id,
    creationTime: new Date(sub.creationTime).toISOString(),
    status: sub.status,
    eventFilters: sub.filters.map((f) => f.expanded),
    expirationTime: new Date(sub.expiresAt).toISOString(),
    expiresIn: Math.max(0, Math.round((sub.expiresAt - now) / 1000)),
    deliveryMode: sub.transport === 'WebSocket' ? { transportType: 'WebSocket', encryption: false } : { transportType: 'WebHook', encryption: false, address: sub.address },
  };
  if (sub.disabledFilters.length) info.disabledFilters = sub.disabledFilters;
  if (sub.blacklistedData) info.blacklistedData = sub.blacklistedData;
  return info;
}
