import { Injectable, Optional } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AccountCacheSync } from './account-cache.sync';
import { AccountEpochs } from './account-epochs';
import { type DirectoryEntry, ExtensionDirectoryRepository } from './extension-directory.repository';

/** A directory read this long ago is read again. */
export const DIRECTORY_CACHE_MS = 60_000;
/** An extension the cached directory does not know makes it read again, at most this often. */
export const DIRECTORY_MISS_RELOAD_MS = 1_000;

interface Cached {
  loadedAt: number;
  byId: Map<string, DirectoryEntry>;
}

/**
 * The account's extension directory as the hot paths see it (folding asks each ended party's extension kind, logging
 * the agent's name and number): kept in memory per process, so a call costs no directory query. A sync in this
 * process replaces the copy at once; other replicas read again after DIRECTORY_CACHE_MS, or as soon as an extension
 * is missing from their copy (a new user), so an unknown extension is never decided on a stale copy.
 */
@Injectable()
export class ExtensionDirectoryCache {
  private readonly accounts = new Map<string, Cached>();
  private readonly epochs = new AccountEpochs();

  constructor(
    private readonly directory: ExtensionDirectoryRepository,
    private readonly clock: Clock,
    @Optional() private readonly sync?: AccountCacheSync,
  ) {
    // Another replica synced the directory: read it again on next use.
    sync?.onDrop('directory', (accountId) => this.invalidate(accountId));
  }

  /** The entries of these extensions that the directory holds (missing ones are absent from the map). */
  async entries(accountId: string, extensionIds: Iterable<string>): Promise<Map<string, DirectoryEntry>> {
    const ids = [...new Set(extensionIds)];
    const now = this.clock.nowMs();
    let cached = this.accounts.get(accountId);
    const stale = !cached || now - cached.loadedAt >= DIRECTORY_CACHE_MS;
    const missing = cached ? ids.some((id) => !cached!.byId.has(id)) : true;
    if (stale || (missing && now - cached!.loadedAt >= DIRECTORY_MISS_RELOAD_MS)) cached = await this.load(accountId, now);
    const found = new Map<string, DirectoryEntry>();
    for (const id of ids) {
      const entry = cached!.byId.get(id);
      if (entry) found.set(id, entry);
    }
    return found;
  }

  async entry(accountId: string, extensionId: string): Promise<DirectoryEntry | undefined> {
    return (await this.entries(accountId, [extensionId])).get(extensionId);
  }

  /** After the directory was replaced: the next read loads it. */
  invalidate(accountId: string): void {
    this.epochs.advance(accountId);
    this.accounts.delete(accountId);
  }

  private async load(accountId: string, now: number): Promise<Cached> {
    const epoch = this.epochs.of(accountId);
    const list = await this.directory.list(accountId);
    const cached = { loadedAt: now, byId: new Map(list.map((e) => [e.extensionId, e])) };
    for (const [id, other] of this.accounts) if (now - other.loadedAt >= DIRECTORY_CACHE_MS) this.accounts.delete(id);
    // Replaced while it was read: answer this caller from the copy, keep none.
    if (this.epochs.of(accountId) === epoch) this.accounts.set(accountId, cached);
    return cached;
  }
}
