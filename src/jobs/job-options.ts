import type { JobName } from './job-names';

/**
 * pg-boss queue options, declared once per queue and applied to the queue itself (createQueue/updateQueue at boot),
 * so every job sent to it gets them; call sites only say what is theirs (singletonKey, startAfter, id, transaction).
 * A job that fails `retryLimit` retries (or expires as often) moves to its queue's dead-letter queue, where nothing
 * works it: it stays for an operator to look at, counted in /metrics (`sscl_jobs_dead_letters`) and /health.
 */
export interface QueueOptions {
  retryLimit: number;
  /** Seconds before the first retry; doubled each time with `retryBackoff`. */
  retryDelay: number;
  retryBackoff: boolean;
  /** How long one run may take before pg-boss counts it failed (default: JOB_TIMEOUT_SECONDS). */
  expireInSeconds?: number;
}

/** Dead-letter queue of `name`. */
export const deadLetterQueueOf = (name: JobName): string => `${name}.dead`;

/** Ticks are retried by the next tick; the other jobs by pg-boss with their backoff. */
export const QUEUE_OPTIONS: Readonly<Record<JobName, QueueOptions>> = {
  'system.housekeeping': { retryLimit: 0, retryDelay: 0, retryBackoff: false },
  'subscriptions.watch': { retryLimit: 0, retryDelay: 0, retryBackoff: false },
  'subscriptions.check': { retryLimit: 2, retryDelay: 5, retryBackoff: true },
  'directory.sync': { retryLimit: 3, retryDelay: 10, retryBackoff: true },
  'session.settle': { retryLimit: 5, retryDelay: 2, retryBackoff: true },
  // The pipeline's own policy (ConnectorErrorPolicy, plugin block retries) re-sends call.log with startAfter when it
  // wants to wait; these retries cover what it did not expect (a crash, a database error).
  'call.log': { retryLimit: 5, retryDelay: 5, retryBackoff: true },
  // Staged update of a logged call with its final record; its own CRM-error policy re-sends it with startAfter.
  'call.update': { retryLimit: 5, retryDelay: 5, retryBackoff: true },
  'callLogs.watch': { retryLimit: 0, retryDelay: 0, retryBackoff: false },
  // The next period's run reads from the same watermark, so a failed run is not retried.
  'callLogs.sync': { retryLimit: 0, retryDelay: 0, retryBackoff: false },
  'plugins.dispatch': { retryLimit: 2, retryDelay: 5, retryBackoff: false },
  'plugins.callback': { retryLimit: 2, retryDelay: 5, retryBackoff: true },
  'plugins.purge': { retryLimit: 0, retryDelay: 0, retryBackoff: false },
};
