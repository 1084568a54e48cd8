import type { TelephonyNotification } from '../../ringcentral/types';
import { applyPartyEvent } from './apply-party-event';
import type { PartyState } from './party-state.types';
import { ACCOUNT_ID, COMPANY_NUMBER, CUSTOMER_NUMBER, EXT, factory } from '../../../test/factories/telephony-event.factory';

const apply = (state: PartyState | undefined, n: TelephonyNotification, receivedAt?: string) =>
  applyPartyEvent(state, n.body, n.body.parties[0], receivedAt);

const fold = (notifications: TelephonyNotification[]) =>
  notifications.reduce<PartyState | undefined>((state, n) => apply(state, n).state, undefined)!;

/** Alice's inbound party: Setup 0 s, Proceeding 1 s, Answered 5 s, Hold 10 s, Answered 12 s, Disconnected 20 s. */
function aliceCall() {
  const s = factory.callScenario();
  const alice = s.party({
    extensionId: EXT.alice,
    direction: 'Inbound',
    from: { phoneNumber: CUSTOMER_NUMBER },
    to: { phoneNumber: COMPANY_NUMBER, name: 'Alice Agent', extensionId: EXT.alice },
  });
  s.event(alice, 'Setup', 0)
    .event(alice, 'Proceeding', 1)
    .event(alice, 'Answered', 5)
    .event(alice, 'Hold', 10)
    .event(alice, 'Answered', 12)
    .event(alice, 'Disconnected', 20);
  return s.notifications();
}

describe('applyPartyEvent', () => {
  it('creates the state from the first event of a party', () => {
    const [setup] = aliceCall();
    const { state, changed } = apply(undefined, setup, '2024-03-01T10:00:00.100Z');
    expect(changed).toBe(true);
    expect(state).toMatchObject({
      accountId: ACCOUNT_ID,
      telephonySessionId: setup.body.telephonySessionId,
      sessionId: setup.body.sessionId,
      partyId: setup.body.parties[0].id,
      extensionId: EXT.alice,
      direction: 'Inbound',
      lastSequence: 2,
      status: { code: 'Setup' },
      history: [{ sequence: 2, code: 'Setup', eventTime: setup.body.eventTime }],
      firstEventTime: setup.body.eventTime,
      lastEventTime: setup.body.eventTime,
      lastReceivedAt: '2024-03-01T10:00:00.100Z',
      missedCall: false,
      queueCall: false,
      recorded: false,
    });
    expect(state.answeredAt).toBeUndefined();
    expect(state.endedAt).toBeUndefined();
  });

  it('a higher sequence becomes the current status; answeredAt is the first Answered, endedAt the end', () => {
    const events = aliceCall();
    const state = fold(events);
    expect(state.status).toEqual({ code: 'Disconnected' });
    expect(state.lastSequence).toBe(7);
    expect(state.history.map((e) => e.code)).toEqual(['Setup', 'Proceeding', 'Answered', 'Hold', 'Answered', 'Disconnected']);
    expect(state.answeredAt).toBe(factory.at(5));
    expect(state.endedAt).toBe(factory.at(20));
  });

  it('an older event arriving late is added to the history but never overwrites the status (§3.5)', () => {
    const events = aliceCall();
    const withoutAnswer = events.filter((n) => n.body.sequence !== 4);
    const before = fold(withoutAnswer);
    const { state, changed } = apply(before, events[2]); // Answered (sequence 4) arrives after Disconnected
    expect(changed).toBe(true);
    expect(state.status).toEqual({ code: 'Disconnected' });
    expect(state.lastSequence).toBe(7);
    expect(state.answeredAt).toBe(factory.at(5));
    expect(state.history.map((e) => e.sequence)).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('an exact duplicate (same sequence) changes nothing, not even lastReceivedAt (§3.5)', () => {
    const events = aliceCall();
    const state = fold(events);
    const result = apply(state, events[3], '2030-01-01T00:00:00.000Z');
    expect(result.changed).toBe(false);
    expect(result.state).toBe(state);
  });

  it('any delivery order gives the same state', () => {
    const events = aliceCall();
    const inOrder = fold(events);
    const orders = [[...events].reverse(), [events[5], events[0], events[3], events[1], events[4], events[2]]];
    for (const order of orders) expect(fold(order)).toEqual(inOrder);
  });

  it('from/to fields take the value of the highest sequence that carried them, whatever the order (§3.3: names arrive later)', () => {
    const s = factory.callScenario();
    const alice = s.party({ extensionId: EXT.alice, direction: 'Inbound', from: { phoneNumber: CUSTOMER_NUMBER }, to: {} });
    s.event(alice, 'Setup', 0, { party: { from: { phoneNumber: CUSTOMER_NUMBER, name: 'WIRELESS CALLER' } } })
      .event(alice, 'Proceeding', 1, { party: { from: { phoneNumber: CUSTOMER_NUMBER, name: 'Jane Customer' } } })
      .event(alice, 'Answered', 2, { party: { from: { phoneNumber: CUSTOMER_NUMBER } } });
    const [setup, proceeding, answered] = s.notifications();
    for (const order of [
      [setup, proceeding, answered],
      [setup, answered, proceeding],
      [answered, proceeding, setup],
      [proceeding, setup, answered],
    ]) {
      expect(fold(order).from).toEqual({ phoneNumber: CUSTOMER_NUMBER, name: 'Jane Customer' });
    }
  });

  it('keeps the direction of the earliest event: it can flip after a call switch (§3.6)', () => {
    const s = factory.callScenario();
    const alice = s.party({ extensionId: EXT.alice, direction: 'Inbound', from: { phoneNumber: CUSTOMER_NUMBER }, to: {} });
    s.event(alice, 'Answered', 0).event(alice, 'Disconnected', 30, { party: { direction: 'Outbound' } });
    const [answered, disconnected] = s.notifications();
    expect(fold([answered, disconnected]).direction).toBe('Inbound');
    expect(fold([disconnected, answered]).direction).toBe('Inbound');
  });

  it('missedCall, queueCall and recorded are sticky once any event says so (§3.3)', () => {
    const s = factory.callScenario();
    const alice = s.party({ extensionId: EXT.alice, direction: 'Inbound', from: {}, to: {}, queueCall: true });
    s.event(alice, 'Proceeding', 0)
      .event(alice, 'Answered', 1, { recordings: [{ id: '1662272004', active: true }] })
      .event(alice, 'Disconnected', 9, { missedCall: true, party: { queueCall: undefined } });
    const state = fold(s.notifications());
    expect(state).toMatchObject({ missedCall: true, queueCall: true, recorded: true });
  });

  it('stores VoiceMail under the platform spelling Voicemail (§3.4 compare case-insensitively)', () => {
    const s = factory.callScenario();
    const alice = s.party({ extensionId: EXT.alice, direction: 'Inbound', from: {}, to: {} });
    s.event(alice, 'Proceeding', 0).event(alice, 'VoiceMail', 20);
    expect(fold(s.notifications()).status.code).toBe('Voicemail');
  });

  it('records the peer of a Gone party and the queue name of a queue call', () => {
    const s = factory.callScenario();
    const alice = s.party({
      extensionId: EXT.alice,
      direction: 'Inbound',
      from: {},
      to: {},
      uiCallInfo: { primary: { type: 'QueueName', value: 'Support' }, additional: { type: 'CallerIdName', value: 'X' } },
    });
    const peerId = { sessionId: '1', telephonySessionId: 's-conference', partyId: 'p-conference-1' };
    s.event(alice, 'Answered', 0).event(alice, 'Gone', 9, { peerId });
    const state = fold(s.notifications());
    expect(state).toMatchObject({ peer: peerId, queueName: 'Support', status: { code: 'Gone' }, endedAt: factory.at(9) });
  });

  it('refuses an event of another party (programming error)', () => {
    const [first] = aliceCall();
    const [other] = aliceCall(); // another session
    const state = apply(undefined, first).state;
    expect(() => apply(state, other)).toThrow(/applied to the state of/);
  });
});
