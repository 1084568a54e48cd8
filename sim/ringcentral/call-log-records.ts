import type { IdFactory } from './random';
import type { RecordDraft, RecordLegDraft } from './scenarios/scenario-context';
import type { CallLogLeg, CallLogRecord } from './sim-types';

/**
 * Turns a scenario's call-log draft into a record shaped like fixtures/ringcentral/call-log. URIs are stored
 * relative ("/restapi/...") and made absolute with the simulator's base URL when served.
 */

/** reason / reasonDescription per result. Only "Accepted" is from real data; the others are plausible guesses. */
export const RESULT_REASONS: Record<string, { reason: string; reasonDescription: string }> = {
  Accepted: { reason: 'Accepted', reasonDescription: 'The call connected to and was accepted by this number.' },
  'Call connected': { reason: 'Accepted', reasonDescription: 'The call connected to and was accepted by this number.' },
  Missed: { reason: 'Hang Up', reasonDescription: 'The caller hung up before the call was answered.' },
  Voicemail: { reason: 'No Answer', reasonDescription: 'The call was not answered and the caller left a voicemail message.' },
  'No Answer': { reason: 'No Answer', reasonDescription: 'The call was not answered.' },
};

export function extensionRef(accountId: string, extensionId: string): { uri: string; id: number } {
  // Real call-log records carry the extension id as a number (see the Detailed fixture).
  return { uri: `/restapi/v1.0/account/${accountId}/extension/${extensionId}`, id: Number(extensionId) };
}

/** `extraSeconds`: RingCentral's duration counts routing and teardown, so it exceeds what the events show. */
export function materializeRecord(draft: RecordDraft, t0: number, accountId: string, ids: IdFactory, extraSeconds = 0): CallLogRecord {
  const { session } = draft;
  const startMs = t0 + session.firstAt;
  const endMs = t0 + session.lastAt;
  const id = ids.callLogId();
  const messageId = draft.voicemail ? ids.messageId() : undefined;
  const recording = draft.recordingId
    ? {
        uri: `/restapi/v1.0/account/${accountId}/recording/${draft.recordingId}`,
        id: draft.recordingId,
        type: 'Automatic' as const,
        contentUri: `/restapi/v1.0/account/${accountId}/recording/${draft.recordingId}/content`,
      }
    : undefined;
  const leg = (l: RecordLegDraft, i: number): CallLogLeg => ({
    startTime: new Date(t0 + l.startAt).toISOString(),
    duration: Math.round((l.endAt - l.startAt) / 1000) + extraSeconds,
    durationMs: l.endAt - l.startAt + extraSeconds * 1000,
    type: 'Voice',
    direction: l.direction,
    action: l.action,
    result: l.result,
    ...RESULT_REASONS[l.result],
    to: l.to,
    from: l.from,
    ...(recording && l.result !== 'Missed' ? { recording } : {}),
    sessionId: session.sessionId,
    telephonySessionId: session.telephonySessionId,
    transport: l.transport,
    legType: l.legType,
    master: i === 0,
    extension: extensionRef(accountId, l.extensionId),
  });
  return {
    uri: `/restapi/v1.0/account/${accountId}/call-log/${id}`,
    id,
    sessionId: session.sessionId,
    telephonySessionId: session.telephonySessionId,
    startTime: new Date(startMs).toISOString(),
    duration: Math.round((endMs - startMs) / 1000) + extraSeconds,
    durationMs: endMs - startMs + extraSeconds * 1000,
    type: 'Voice',
    ...(draft.internalType ? { internalType: draft.internalType } : {}),
    direction: draft.direction,
    action: draft.action,
    result: draft.result,
    ...RESULT_REASONS[draft.result],
    to: draft.to,
    from: draft.from,
    extension: extensionRef(accountId, draft.extensionId),
    ...(recording ? { recording } : {}),
    ...(messageId
      ? { message: { uri: `/restapi/v1.0/account/${accountId}/extension/${draft.extensionId}/message-store/${messageId}`, id: messageId, type: 'VoiceMail' as const } }
      : {}),
    transport: draft.transport,
    lastModifiedTime: new Date(endMs + 1500).toISOString(),
    legs: draft.legs.map(leg),
  };
}
