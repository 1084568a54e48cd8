import { Client } from 'pg';

/**
 * `--pg-waits`: samples pg_stat_activity every 50 ms during a phase and counts, per client (application_name), what
 * its connections were doing: running, idle in a transaction, or waiting (and on what). A pipeline that is neither
 * CPU- nor statement-bound shows here where its time goes (lock waits, WAL flushes, idle pools).
 */
export class PgWaitSampler {
  private readonly counts = new Map<string, number>();
  private samples = 0;
  private timer?: NodeJS.Timeout;
  private busy = false;

  constructor(private readonly sql: Client) {}

  start(): void {
    this.counts.clear();
    this.samples = 0;
    this.timer = setInterval(() => void this.sample(), 50);
  }

  /** Stops sampling; returns the 15 most frequent (client, state) pairs as the average number of connections in them. */
  stop(): { what: string; connections: number }[] {
    clearInterval(this.timer);
    const samples = Math.max(1, this.samples);
    return [...this.counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([what, n]) => ({ what, connections: Math.round((n / samples) * 100) / 100 }));
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const { rows } = await this.sql.query<{ app: string; what: string; n: number }>(
        `SELECT application_name AS app,
                state || COALESCE(' / ' || wait_event_type || ':' || wait_event, '') AS what, count(*)::int AS n
           FROM pg_stat_activity
          WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND state <> 'idle'
          GROUP BY 1, 2`,
      );
      this.samples++;
      for (const r of rows) {
        const key = `${r.app || '(no name)'}: ${r.what}`;
        this.counts.set(key, (this.counts.get(key) ?? 0) + r.n);
      }
    } catch {
      // a sample lost now and then does not matter
    } finally {
      this.busy = false;
    }
  }
}
