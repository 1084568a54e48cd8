/** A claim starts from the start of the inbox at least this often (rows whose retry time came, late commits). */
export const FULL_CLAIM_EVERY_MS = 1000;

/**
 * Where this process's next inbox claim starts. The fold marks a row folded with an UPDATE; until VACUUM prunes it, the
 * old version's entry stays at the head of the unfolded-rows index, so a claim from the start walks (and visits the
 * heap for) every row folded since the last vacuum: in a burst, most of PostgreSQL's time went there.
 *
 * Every unfolded row below the first row a claim returned was folded, held by another fold or waiting for its retry
 * time, so the next claims start there. What that can miss (a row that committed late with a lower id, a failed
 * fold's rows, a retry time that came) is found by a claim from the start, made at least every FULL_CLAIM_EVERY_MS and
 * whenever a claim from the floor finds nothing.
 */
export class InboxClaimFloor {
  private floor: bigint | null = null;
  private fullAt = -Infinity;

  constructor(private readonly now: () => number = Date.now) {}

  /** The id the next claim starts from; null: from the start. */
  start(): string | null {
    if (this.floor === null || this.now() - this.fullAt >= FULL_CLAIM_EVERY_MS) return null;
    return String(this.floor);
  }

  /** After a claim that started at `from` (start()'s answer) returned the rows `ids`. */
  claimed(from: string | null, ids: string[]): void {
    if (from === null) this.fullAt = this.now();
    if (!ids.length) {
      this.floor = null; // the next claim starts from the start
      return;
    }
    this.floor = ids.map((id) => BigInt(id)).reduce((a, b) => (b < a ? b : a));
  }
}
