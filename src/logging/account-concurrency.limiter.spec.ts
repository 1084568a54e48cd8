import { jest } from '@jest/globals';
import type { ConfigService } from '@nestjs/config';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { AccountConcurrencyLimiter } from './account-concurrency.limiter';

/** The shared (database) stage always grants a slot here: these tests are about the order within one process. */
function limiter(perAccount: number): AccountConcurrencyLimiter {
  const config = { get: () => ({ crmConcurrencyPerAccount: perAccount }) } as unknown as ConfigService<AppConfig, true>;
  let next = 0;
  const dataSource = { query: (async (sql: string) => (sql.includes('INSERT INTO crm_concurrency_slots') ? [{ slot: next++ % perAccount }] : [])) } as unknown as DataSource;
  return new AccountConcurrencyLimiter(config, dataSource);
}

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const settle = () => new Promise((r) => setTimeout(r, 10));

describe('AccountConcurrencyLimiter (one process)', () => {
  it('runs at most CRM_CONCURRENCY_PER_ACCOUNT at once per account', async () => {
    const l = limiter(2);
    let running = 0;
    let peak = 0;
    const gates = [gate(), gate(), gate()];
    const runs = gates.map((g) =>
      l.run('a', async () => {
        running++;
        peak = Math.max(peak, running);
        await g.promise;
        running--;
      }),
    );
    await settle();
    expect(running).toBe(2);
    for (const g of gates) g.open();
    await Promise.all(runs);
    expect(peak).toBe(2);
  });

  it('gives a freed slot to a waiting call before background work, and background work at most half the slots', async () => {
    const l = limiter(4);
    const order: string[] = [];
    const hold = gate();
    // Two background updates start (half of 4), the third waits although two slots are free.
    const background = [1, 2, 3].map((i) => l.run('a', async () => { order.push(`b${i}`); await hold.promise; }, 'background'));
    await settle();
    expect(order).toEqual(['b1', 'b2']);
    // Calls fill the other two slots, and two more wait.
    const calls = [1, 2, 3, 4].map((i) => l.run('a', async () => { order.push(`c${i}`); await hold.promise; }));
    await settle();
    expect(order).toEqual(['b1', 'b2', 'c1', 'c2']);
    hold.open();
    await Promise.all([...background, ...calls]);
    // The waiting calls went before the waiting background update.
    expect(order.indexOf('c3')).toBeLessThan(order.indexOf('b3'));
    expect(order.indexOf('c4')).toBeLessThan(order.indexOf('b3'));
  });
});

/** A database stage that grants the lowest slot not taken and records every take and free. */
function recordingLimiter(perAccount: number): { l: AccountConcurrencyLimiter; taken: number[]; freed: number[] } {
  const config = { get: () => ({ crmConcurrencyPerAccount: perAccount }) } as unknown as ConfigService<AppConfig, true>;
  const inUse = new Set<string>();
  const taken: number[] = [];
  const freed: number[] = [];
  const dataSource = {
    query: (async (sql: string, params: unknown[]) => {
      const account = params[0] as string;
      if (sql.includes('INSERT INTO crm_concurrency_slots')) {
        const slot = [...Array(perAccount).keys()].find((s) => !inUse.has(`${account}|${s}`));
        if (slot === undefined) return [];
        inUse.add(`${account}|${slot}`);
        taken.push(slot);
        return [{ slot }];
      }
      if (sql.includes("lease_until = '-infinity'")) {
        inUse.delete(`${account}|${params[1] as number}`);
        freed.push(params[1] as number);
      }
      return [];
    }),
  } as unknown as DataSource;
  return { l: new AccountConcurrencyLimiter(config, dataSource), taken, freed };
}

describe('AccountConcurrencyLimiter (slots kept between conversations)', () => {
  afterEach(() => jest.useRealTimers());

  it("passes a finished conversation's slot to the next one of the account without taking another, and frees it when none comes", async () => {
    jest.useFakeTimers();
    const { l, taken, freed } = recordingLimiter(4);
    for (let i = 0; i < 5; i++) await l.run('a', async () => undefined);
    expect(taken).toEqual([0]);
    expect(freed).toEqual([]);
    await jest.advanceTimersByTimeAsync(30);
    expect(freed).toEqual([0]);
    // Another account never gets this account's slot.
    await l.run('b', async () => undefined);
    expect(taken).toEqual([0, 0]);
  });

  it('gives a slot back once it has been held 2 s across conversations, so other replicas can have it', async () => {
    jest.useFakeTimers();
    const { l, taken, freed } = recordingLimiter(4);
    await l.run('a', async () => undefined);
    const long = l.run('a', () => new Promise<void>((resolve) => setTimeout(resolve, 2_100)));
    await jest.advanceTimersByTimeAsync(2_100);
    await long;
    expect(freed).toEqual([0]);
    await l.run('a', async () => undefined);
    expect(taken).toEqual([0, 0]);
  });

  it('a conversation waiting for a slot (all taken) gets one the moment another conversation here ends', async () => {
    const { l, taken } = recordingLimiter(1);
    const hold = gate();
    const first = l.run('a', () => hold.promise);
    await settle();
    let secondRan = false;
    // Locally admitted only once the first ends; then it reuses the first's slot.
    const second = l.run('a', async () => void (secondRan = true));
    hold.open();
    await Promise.all([first, second]);
    expect(secondRan).toBe(true);
    expect(taken).toEqual([0]);
  });

  it("a process's conversations waiting while other replicas hold every slot ask PostgreSQL as one, then all get slots", async () => {
    jest.useFakeTimers();
    const config = { get: () => ({ crmConcurrencyPerAccount: 8 }) } as unknown as ConfigService<AppConfig, true>;
    let othersHoldAll = true;
    let takes = 0;
    let next = 0;
    const dataSource = {
      query: (async (sql: string) => {
        if (!sql.includes('INSERT INTO crm_concurrency_slots')) return [];
        takes++;
        return othersHoldAll ? [] : [{ slot: next++ }];
      }),
    } as unknown as DataSource;
    const l = new AccountConcurrencyLimiter(config, dataSource);
    let ran = 0;
    const runs = Array.from({ length: 5 }, () => l.run('a', async () => void ran++));
    await jest.advanceTimersByTimeAsync(2_000);
    expect(ran).toBe(0);
    // Each of the five polling on its own (20 ms doubling to 250 ms) would have asked ~40 times in these 2 s.
    expect(takes).toBeLessThan(20);
    othersHoldAll = false;
    await jest.advanceTimersByTimeAsync(1_000);
    await Promise.all(runs);
    expect(ran).toBe(5);
  });

  it('frees kept slots before the application stops, and then frees each slot as its conversation ends', async () => {
    const { l, freed } = recordingLimiter(4);
    await Promise.all([l.run('a', () => settle()), l.run('a', () => settle()), l.run('b', async () => undefined)]);
    const hold = gate();
    const late = l.run('c', () => hold.promise);
    await settle();
    await l.beforeApplicationShutdown();
    expect(freed.sort()).toEqual([0, 0, 1]);
    hold.open();
    await late;
    expect(freed).toHaveLength(4);
  });
});
