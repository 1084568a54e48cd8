import { factory, EXT } from '../../../test/factories/telephony-event.factory';
import { detectEndedLeg } from './detect-ended-leg';
import { foldNotifications } from './fold-notifications';
import { isSessionQuiet } from './session-quiet';

describe('foldNotifications (the one fold, used by EventFoldingJob and the tests)', () => {
  const directory = factory.directory();

  it('keeps an unknown status code; the party is not ended until a known final status', () => {
    const call = factory.callScenario();
    const customer = call.party({ direction: 'Outbound', from: { phoneNumber: '+14155550123' }, to: { phoneNumber: '+16505550100' } });
    const alice = call.party({ direction: 'Inbound', extensionId: EXT.alice, from: { phoneNumber: '+14155550123' }, to: { phoneNumber: '+16505550100', extensionId: EXT.alice } });
    call.event(customer, 'Setup', 0).event(alice, 'Proceeding', 1).event(alice, 'Screening' as never, 2).event(customer, 'Disconnected', 20);
    const screening = [...foldNotifications(call.notifications()).values()];
    const aliceState = screening.find((p) => p.extensionId === EXT.alice)!;
    expect(aliceState.status.code).toBe('Screening');
    expect(aliceState.endedAt).toBeUndefined();
    expect(detectEndedLeg(aliceState, screening, directory)).toBeNull();

    call.event(alice, 'Disconnected', 21);
    const ended = [...foldNotifications(call.notifications()).values()];
    const leg = detectEndedLeg(ended.find((p) => p.extensionId === EXT.alice)!, ended, directory);
    expect(leg).toMatchObject({ kind: 'missed', extensionId: EXT.alice });
  });

  it("lets the session's quiet period end a party left on an unknown code, never a party in a known live state", () => {
    const call = factory.callScenario();
    const customer = call.party({ direction: 'Outbound', from: { phoneNumber: '+14155550123' }, to: { phoneNumber: '+16505550100' } });
    const alice = call.party({ direction: 'Inbound', extensionId: EXT.alice, from: { phoneNumber: '+14155550123' }, to: { phoneNumber: '+16505550100', extensionId: EXT.alice } });
    call.event(customer, 'Setup', 0).event(alice, 'Proceeding', 1).event(alice, 'Answered', 2).event(alice, 'Screening' as never, 30);
    const later = Date.parse('2030-01-01T00:00:00Z');
    const live = [...foldNotifications(call.notifications()).values()];
    // The customer is still in Setup (a known, live state): not quiet, however long nothing arrives.
    expect(isSessionQuiet(live, later, 1000)).toBe(false);

    call.event(customer, 'Disconnected', 31);
    const parties = [...foldNotifications(call.notifications()).values()];
    const aliceState = parties.find((p) => p.extensionId === EXT.alice)!;
    expect(isSessionQuiet(parties, later, 1000)).toBe(true);
    expect(detectEndedLeg(aliceState, parties, directory)).toBeNull();
    expect(detectEndedLeg(aliceState, parties, directory, { sessionQuiet: true })).toMatchObject({
      kind: 'answered',
      endTime: aliceState.lastEventTime,
      talkSeconds: 28,
    });
  });

  it('folds a party that came without from and to', () => {
    const event = factory.telephonyEvent({ status: 'Disconnected' });
    const { from: _from, to: _to, ...party } = event.body.parties[0]!;
    const bare = { ...event, body: { ...event.body, parties: [party as typeof event.body.parties[0]] } };
    const [state] = [...foldNotifications([bare]).values()];
    expect(state).toMatchObject({ from: {}, to: {}, status: { code: 'Disconnected' } });
  });

  it('reports a notification that cannot be applied and folds the others', () => {
    const good = factory.telephonyEvent({ sequence: 2 });
    const broken = factory.telephonyEvent({ sequence: 3 });
    broken.body.eventTime = 'not a time'; // the parser refuses it; here it stands for any fold error
    const later = factory.telephonyEvent({ sequence: 4, status: 'Answered', at: 5 });
    const failed: unknown[] = [];
    const states = foldNotifications([good, broken, later], new Map(), { onError: (n) => failed.push(n) });
    expect(failed).toEqual([broken]);
    const [state] = [...states.values()];
    expect(state!.history.map((h) => h.sequence)).toEqual([2, 4]);
    expect(() => foldNotifications([good, broken])).toThrow();
  });
});
