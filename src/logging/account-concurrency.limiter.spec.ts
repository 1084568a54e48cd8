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
