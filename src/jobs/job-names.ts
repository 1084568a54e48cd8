/**
 * Every job the service runs, with its payload type. Producers and handlers meet here; at boot the registry checks
 * that each name has exactly one handler. Payloads carry ids, not data (the data is in the database).
 */
export interface JobPayloads {
  'system.housekeeping': TickPayload;
}

export type JobName = keyof JobPayloads;

export interface TickPayload {
  /** The scheduled tick time (ISO), the same on every replica. */
  tickAt: string;
}

export const JOB_NAMES = ['system.housekeeping'] as const satisfies readonly JobName[];

// Compile-time check that JOB_NAMES lists every key of JobPayloads.
type Missing = Exclude<JobName, (typeof JOB_NAMES)[number]>;
const _allListed: Missing extends never ? true : Missing = true;
void _allListed;
