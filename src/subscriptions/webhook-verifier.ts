import { Injectable } from '@nestjs/common';
import { hash, timingSafeEqual } from 'node:crypto';
import { isStorableText } from '../common/text/storable-text';
import { MAX_ID_LENGTH } from '../ringcentral/types';
import { SubscriptionRepository } from './subscription.repository';

interface Known {
  accountId: string;
  tokenHash: Buffer;
  loadedAt: number;
}

const CACHE_MS = 30_000;

/**
 * Checks a notification's Verification-Token against the subscription it names, in constant time (hash compared
 * with timingSafeEqual). Subscriptions are cached briefly; a mismatch re-reads the row once, since a re-created
 * subscription has a new token.
 */
@Injectable()
export class WebhookVerifier {
  private readonly cache = new Map<string, Known>();

  constructor(private readonly subscriptions: SubscriptionRepository) {}

  /** The account the notification belongs to, or undefined when the subscription or token does not match. */
  async verify(rcSubscriptionId: string, token: string | undefined): Promise<string | undefined> {
    if (!token) return undefined;
    // No subscription has such an id (and PostgreSQL could not even compare it): unknown, without a query.
    if (rcSubscriptionId.length > MAX_ID_LENGTH || !isStorableText(rcSubscriptionId)) return undefined;
    const presented = hash('sha256', token, 'buffer');
    let known = this.cache.get(rcSubscriptionId);
    const fresh = known && Date.now() - known.loadedAt < CACHE_MS;
    if (known && fresh && timingSafeEqual(known.tokenHash, presented)) return known.accountId;
    known = await this.load(rcSubscriptionId);
    return known && timingSafeEqual(known.tokenHash, presented) ? known.accountId : undefined;
  }

  private async load(rcSubscriptionId: string): Promise<Known | undefined> {
    const row = await this.subscriptions.findByRcId(rcSubscriptionId);
    if (!row?.verificationTokenHash) {
      this.cache.delete(rcSubscriptionId);
      return undefined;
    }
    const known = { accountId: row.accountId, tokenHash: Buffer.from(row.verificationTokenHash, 'hex'), loadedAt: Date.now() };
    this.cache.set(rcSubscriptionId, known);
    return known;
  }
}
