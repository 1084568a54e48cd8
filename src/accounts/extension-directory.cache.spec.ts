import type { Clock } from '../common/clock';
import { DIRECTORY_CACHE_MS, DIRECTORY_MISS_RELOAD_MS, ExtensionDirectoryCache } from './extension-directory.cache';
import type { DirectoryEntry, ExtensionDirectoryRepository } from './extension-directory.repository';

function setup() {
  let now = 1_000_000;
  const rows = new Map<string, DirectoryEntry[]>([['acc-1', [{ extensionId: '101', type: 'User', name: 'Ann' }, { extensionId: '900', type: 'IvrMenu' }]]]);
  const reads: string[] = [];
  const repository = {
    list: async (accountId: string) => {
      reads.push(accountId);
      return rows.get(accountId) ?? [];
    },
  } as unknown as ExtensionDirectoryRepository;
  const clock = { nowMs: () => now } as Clock;
  return { cache: new ExtensionDirectoryCache(repository, clock), rows, reads, advance: (ms: number) => (now += ms) };
}

describe('ExtensionDirectoryCache', () => {
  it('reads an account directory once, then answers from memory', async () => {
    const { cache, reads } = setup();
    expect((await cache.entry('acc-1', '101'))?.name).toBe('Ann');
    const kinds = await cache.entries('acc-1', ['101', '900']);
    expect([...kinds.values()].map((e) => e.type)).toEqual(['User', 'IvrMenu']);
    expect(reads).toEqual(['acc-1']);
  });

  it('reads again once the copy is older than DIRECTORY_CACHE_MS', async () => {
    const { cache, rows, reads, advance } = setup();
    await cache.entry('acc-1', '101');
    rows.set('acc-1', [{ extensionId: '101', type: 'User', name: 'Ann Renamed' }]);
    advance(DIRECTORY_CACHE_MS - 1);
    expect((await cache.entry('acc-1', '101'))?.name).toBe('Ann');
    advance(1);
    expect((await cache.entry('acc-1', '101'))?.name).toBe('Ann Renamed');
    expect(reads).toHaveLength(2);
  });

  it('reads again when asked for an extension it does not know, at most once per DIRECTORY_MISS_RELOAD_MS', async () => {
    const { cache, rows, reads, advance } = setup();
    await cache.entry('acc-1', '101');
    advance(DIRECTORY_MISS_RELOAD_MS);
    rows.set('acc-1', [...rows.get('acc-1')!, { extensionId: '102', type: 'User' }]);
    expect(await cache.entry('acc-1', '102')).toMatchObject({ extensionId: '102' });
    expect(await cache.entry('acc-1', '103')).toBeUndefined();
    expect(reads).toHaveLength(2);
    advance(DIRECTORY_MISS_RELOAD_MS);
    expect(await cache.entry('acc-1', '103')).toBeUndefined();
    expect(reads).toHaveLength(3);
  });

  it('loads a fresh copy after invalidate (a sync in this process)', async () => {
    const { cache, rows, reads } = setup();
    await cache.entry('acc-1', '101');
    rows.set('acc-1', [{ extensionId: '101', type: 'User', name: 'Synced' }]);
    cache.invalidate('acc-1');
    expect((await cache.entry('acc-1', '101'))?.name).toBe('Synced');
    expect(reads).toHaveLength(2);
  });

  it('does not keep a copy read while the directory was replaced (the next read loads again)', async () => {
    const { cache, rows, reads, advance } = setup();
    const reading = cache.entry('acc-1', '101');
    // The sync lands while the read above is still waiting on the database.
    cache.invalidate('acc-1');
    rows.set('acc-1', [{ extensionId: '101', type: 'User', name: 'Synced' }]);
    expect((await reading)?.name).toBe('Ann');
    advance(1);
    expect((await cache.entry('acc-1', '101'))?.name).toBe('Synced');
    expect(reads).toHaveLength(2);
  });

  it('keeps accounts apart', async () => {
    const { cache, rows } = setup();
    rows.set('acc-2', [{ extensionId: '101', type: 'Department' }]);
    expect((await cache.entry('acc-1', '101'))?.type).toBe('User');
    expect((await cache.entry('acc-2', '101'))?.type).toBe('Department');
  });
});
