/** The pipeline's view of a call_logs row is the shared one (src/accounts/call-log-row.ts). */
export type { CallLogRow as CallLogRecord } from '../accounts/call-log-row';
