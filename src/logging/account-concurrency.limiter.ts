import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config';

/**
 * At most CRM_CONCURRENCY_PER_ACCOUNT CRM conversations per account at once in this process, so one busy account
 * cannot exhaust the CRM's own per-tenant limits (or the workers) while others wait.
 */
@Injectable()
export class AccountConcurrencyLimiter {
  private readonly slots = new Map<string, { active: number; waiting: (() => void)[] }>();
  private readonly perAccount: number;

  constructor(config: ConfigService<AppConfig, true>) {
    this.perAccount = config.get('app', { infer: true }).crmConcurrencyPerAccount;
  }

  async run<T>(accountId: string, fn: () => Promise<T>): Promise<T> {
    const slot = this.slots.get(accountId) ?? { active: 0, waiting: [] };
    this.slots.set(accountId, slot);
    if (slot.active >= this.perAccount) await new Promise<void>((resolve) => slot.waiting.push(resolve));
    slot.active++;
    try {
      return await fn();
    } finally {
      slot.active--;
      const next = slot.waiting.shift();
      if (next) next();
      else if (slot.active === 0) this.slots.delete(accountId);
    }
  }
}
