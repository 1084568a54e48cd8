/**
 * A counter per account that a cache moves on whenever it drops the account. A read that started before a drop (a
 * credential change, a directory sync) must not be stored after it, or the old value would be served again until the
 * cache's own expiry: the cache notes the epoch before reading and stores the result only if it has not moved.
 */
export class AccountEpochs {
  private readonly epochs = new Map<string, number>();

  of(accountId: string): number {
    return this.epochs.get(accountId) ?? 0;
  }

  advance(accountId: string): void {
    this.epochs.set(accountId, this.of(accountId) + 1);
  }
}
