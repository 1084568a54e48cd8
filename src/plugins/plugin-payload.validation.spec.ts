import { changedFields, checkSyncAnswer, honouredFields, MAX_NOTE_LENGTH } from './plugin-payload.validation';

/** A call-log create payload as the pipeline sends it to sync plugins. */
function payload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    logInfo: {
      sessionId: '17158772005',
      telephonySessionId: 's-a1b2',
      direction: 'Inbound',
      startTime: '2026-07-14T09:30:00.000Z',
      duration: 125,
      result: 'Call connected',
      from: { phoneNumber: '+14155550100' },
      to: { phoneNumber: '+16505550101', extensionId: '62981001' },
      customSubject: 'Inbound call from Jane',
    },
    rcExtensionId: '62981001',
    contactId: 'con_2001',
    contactType: 'Contact',
    contactName: 'Jane',
    note: '',
    additionalSubmission: { isAssignedToUser: true, adminAssignedUserRcId: '62981001' },
    ...overrides,
  };
}

const withLogInfo = (patch: Record<string, unknown>) => {
  const p = payload();
  return { ...p, logInfo: { ...(p.logInfo as object), ...patch } };
};

describe('checkSyncAnswer', () => {
  it('accepts a transformed payload and returns it as the new payload', () => {
    const answer = { ...payload(), note: 'FOLLOW UP', extra: 'kept' };
    expect(checkSyncAnswer(payload(), answer)).toEqual({ ok: true, payload: answer });
  });

  it('accepts changed values of the same type (a new subject, a null contact replaced by a string is not the same type)', () => {
    expect(checkSyncAnswer(payload(), withLogInfo({ customSubject: 'Support call' })).ok).toBe(true);
    expect(checkSyncAnswer(payload({ contactId: null }), payload({ contactId: 'con_1' }))).toEqual({ ok: false, reason: 'contactId must stay a null (got string)' });
  });

  it.each([
    ['not JSON object: a string', 'OK', 'the answer is a JSON string, not the logging payload'],
    ['an array', [payload()], 'the answer is a JSON array, not the logging payload'],
    ['nothing', undefined, 'the answer is empty, not the logging payload'],
    ['the request envelope', { data: payload(), config: null }, 'the answer is the request envelope {data, config}; a sync plugin must answer the payload itself'],
  ])('rejects %s', (_what, answer, reason) => {
    expect(checkSyncAnswer(payload(), answer)).toEqual({ ok: false, reason });
  });

  it('rejects a payload that dropped fields it was sent (the simulator\'s "missing-fields" answer)', () => {
    expect(checkSyncAnswer(payload(), { note: 'only the note' })).toEqual({ ok: false, reason: 'logInfo is missing' });
    const { contactType: _dropped, ...rest } = payload();
    expect(checkSyncAnswer(payload(), rest)).toEqual({ ok: false, reason: 'contactType is missing' });
  });

  it.each([
    ['logInfo.telephonySessionId', withLogInfo({ telephonySessionId: 42 }), 'logInfo.telephonySessionId must stay a string (got number)'],
    ['logInfo.startTime', withLogInfo({ startTime: null }), 'logInfo.startTime must stay a string (got null)'],
    ['logInfo.duration', withLogInfo({ duration: '125' }), 'logInfo.duration must stay a number (got string)'],
    ['logInfo.from', withLogInfo({ from: '+14155550100' }), 'logInfo.from must stay an object (got string)'],
    ['logInfo.sessionId removed', withLogInfo({ sessionId: undefined }), 'logInfo.sessionId is missing'],
    ['logInfo', payload({ logInfo: [] }), 'logInfo must stay an object (got array)'],
    ['note', payload({ note: 7 }), 'note must stay a string (got number)'],
    ['additionalSubmission', payload({ additionalSubmission: null }), 'additionalSubmission must stay an object (got null)'],
    ['isAssignedToUser', payload({ additionalSubmission: { isAssignedToUser: 'yes' } }), 'additionalSubmission.isAssignedToUser must stay a boolean (got string)'],
  ])('rejects a change of type of %s', (_field, answer, reason) => {
    expect(checkSyncAnswer(payload(), answer)).toEqual({ ok: false, reason });
  });

  it('rejects a direction that is not Inbound/Outbound, a non-string subject and an oversized note', () => {
    expect(checkSyncAnswer(payload(), withLogInfo({ direction: 'Sideways' }))).toEqual({ ok: false, reason: 'logInfo.direction must stay Inbound or Outbound' });
    expect(checkSyncAnswer(payload(), withLogInfo({ customSubject: { text: 'x' } }))).toEqual({ ok: false, reason: 'logInfo.customSubject must be a string' });
    expect(checkSyncAnswer(payload(), payload({ note: 'x'.repeat(MAX_NOTE_LENGTH + 1) }))).toEqual({ ok: false, reason: `note is longer than ${MAX_NOTE_LENGTH} characters` });
    expect(checkSyncAnswer(payload(), payload({ note: 'x'.repeat(MAX_NOTE_LENGTH) })).ok).toBe(true);
  });
});

describe('changedFields', () => {
  it('lists the top-level fields whose JSON differs', () => {
    expect(changedFields(payload(), payload())).toEqual([]);
    expect(changedFields(payload(), { ...withLogInfo({ customSubject: 'x' }), note: 'n', added: 1 })).toEqual(['logInfo', 'note', 'added']);
  });
});

describe('honouredFields', () => {
  it('takes the note, the subject and additionalSubmission', () => {
    expect(honouredFields({ ...withLogInfo({ customSubject: 'Support call' }), note: 'VIP', additionalSubmission: { isAssignedToUser: false } })).toEqual({
      note: 'VIP',
      subject: 'Support call',
      additionalSubmission: { isAssignedToUser: false },
    });
  });

  it('falls back to an empty note and no subject when they are absent or blank', () => {
    expect(honouredFields({ logInfo: { customSubject: '  ' } })).toEqual({ note: '' });
  });
});
