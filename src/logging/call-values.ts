import type { CallLogRecord } from './call-log.types';

export interface CallValues {
  durationSeconds: number;
  result: string;
  recordingLink?: string;
  voicemailLink?: string;
  /** Where duration and result come from. */
  from: 'call-log' | 'events';
}

/**
 * The values a log shows: RingCentral's call-log record once merged (the record of truth: exact duration, result,
 * recording and voicemail links), else what the telephony events gave.
 */
export function callValues(leg: CallLogRecord): CallValues {
  if (leg.recordState === 'merged' && leg.recordDuration !== null) {
    return {
      durationSeconds: leg.recordDuration,
      result: leg.recordResult ?? leg.result,
      ...(leg.recordingLink && { recordingLink: leg.recordingLink }),
      ...(leg.voicemailLink && { voicemailLink: leg.voicemailLink }),
      from: 'call-log',
    };
  }
  return { durationSeconds: leg.talkSeconds, result: leg.result, from: 'events' };
}
