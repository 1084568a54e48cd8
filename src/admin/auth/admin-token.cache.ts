import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Clock } from '../../common/clock';
import type { RingCentralExtensionInfo } from '../../ringcentral/ringcentral.client';

const TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

/**
 * RingCentral's answer to "whose token is this", kept for a minute so an admin UI's burst of requests costs one
 * lookup. Keyed by a SHA-256 of the token: the token itself is never kept in memory longer than the request.
 */
@Injectable()
export class AdminTokenCache {
  private readonly entries = new Map<string, { at: number; extension: RingCentralExtensionInfo }>();

  constructor(private readonly clock: Clock) {}

  static keyOf(token: string): string {
    return createHash('sha256').update(token, 'utf8').digest('hex');
  }

  get(token: string): RingCentralExtensionInfo | undefined {
    const key = AdminTokenCache.keyOf(token);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.clock.nowMs() - entry.at > TTL_MS) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.extension;
  }

  set(token: string, extension: RingCentralExtensionInfo): void {
    if (this.entries.size >= MAX_ENTRIES) this.evict();
    this.entries.set(AdminTokenCache.keyOf(token), { at: this.clock.nowMs(), extension });
  }

  /** Drops expired entries, then the oldest ones if still full (Map iterates in insertion order). */
  private evict(): void {
    const now = this.clock.nowMs();
    for (const [key, entry] of this.entries) if (now - entry.at > TTL_MS) this.entries.delete(key);
    for (const key of this.entries.keys()) {
      if (this.entries.size < MAX_ENTRIES) break;
      this.entries.delete(key);
    }
  }
}
