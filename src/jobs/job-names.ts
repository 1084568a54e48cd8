/**
 * Every job the service runs, with its payload type. Producers and handlers meet here; at boot the registry checks
 * that each name has exactly one handler. Payloads carry ids, not data (the data is in the database).
 */
export interface JobPayloads {
  'system.housekeeping': TickPayload;
  /** Tick: check every enabled account's subscription. */
  'subscriptions.watch': TickPayload;
  /** Renew, or re-create, one account's subscription as needed. */
  'subscriptions.check': { accountId: string };
  /** Refresh one account's extension directory from RingCentral. */
  'directory.sync': { accountId: string };
  /** Decide the legs of a session that waited for missing notifications or a quiet period. */
  'session.settle': { accountId: string; telephonySessionId: string };
  /** Log one ended agent leg (a call_logs row) into the account's CRM. */
  'call.log': { callLogId: string };
  /** Token sync + dispatch of one async plugin task (an async_plugin_tasks row) after its call was logged. */
  'plugins.dispatch': { taskId: string };
  /** Act on an async plugin's accepted callback: append its note to the CRM log, or record its failure. */
  'plugins.callback': { taskId: string };
  /** Tick: delete expired async plugin tasks. */
  'plugins.purge': TickPayload;
  /** Tick: one call-log sync per enabled account. */
  'callLogs.watch': TickPayload;
  /** Read one account's call log from its watermark; merge, reconcile, decide updates. */
  'callLogs.sync': { accountId: string };
  /** Staged mode: update one logged call (a call_logs row) once with its final call-log record. */
  'call.update': { callLogId: string; attempt?: number };
}

export type JobName = keyof JobPayloads;

export interface TickPayload {
  /** The scheduled tick time (ISO), the same on every replica. */
  tickAt: string;
}

export const JOB_NAMES = [
  'system.housekeeping',
  'subscriptions.watch',
  'subscriptions.check',
  'directory.sync',
  'session.settle',
  'call.log',
  'plugins.dispatch',
  'plugins.callback',
  'plugins.purge',
  'callLogs.watch',
  'callLogs.sync',
  'call.update',
] as const satisfies readonly JobName[];

// Compile-time check that JOB_NAMES lists every key of JobPayloads.
type Missing = Exclude<JobName, (typeof JOB_NAMES)[number]>;
const _allListed: Missing extends never ? true : Missing = true;
void _allListed;

/**
 * Wake-up topics that are not pg-boss queues: `JobQueue.notify(topic)` wakes whoever `onWake`s it, in this process and
 * (through PostgreSQL NOTIFY) in the others. `events.fold`: new rows in the inbox (inbound_events), which is itself
 * the fold queue.
 */
export const FOLD_WAKE_TOPIC = 'events.fold';
export type WakeTopic = JobName | typeof FOLD_WAKE_TOPIC;
