import { isSessionQuiet } from './session-quiet';
import { COMPANY_NUMBER, CUSTOMER_NUMBER, EXT, factory } from '../../../test/factories/telephony-event.factory';

/** Inbound call to Alice, both parties Disconnected at 30 s (docs/ringcentral.md §3.7.3: PSTN party's Disconnected is last). */
function finishedCall() {
  const s = factory.callScenario();
  const caller = s.party({ direction: 'Outbound', from: { phoneNumber: CUSTOMER_NUMBER }, to: { phoneNumber: COMPANY_NUMBER } });
  const alice = s.party({ extensionId: EXT.alice, direction: 'Inbound', from: { phoneNumber: CUSTOMER_NUMBER }, to: {} });
  s.event(caller, 'Setup', 0)
    .event(alice, 'Setup', 1)
    .event(alice, 'Answered', 3)
    .event(caller, 'Answered', 3)
    .event(alice, 'Disconnected', 29)
    .event(caller, 'Disconnected', 30);
  return s.notifications();
}

const QUIET_MS = 8_000;
const ms = (seconds: number) => Date.parse(factory.at(seconds));

describe('isSessionQuiet (docs/ringcentral.md §3.7.3)', () => {
  it('is quiet once every party is finished and quietMs passed since the last event', () => {
    const session = factory.foldSession(finishedCall());
    expect(isSessionQuiet(session, ms(30) + QUIET_MS - 1, QUIET_MS)).toBe(false);
    expect(isSessionQuiet(session, ms(30) + QUIET_MS, QUIET_MS)).toBe(true);
    expect(isSessionQuiet(session, new Date(ms(60)), QUIET_MS)).toBe(true);
  });

  it('is not quiet while any party is still up, however long ago its last event was', () => {
    const session = factory.foldSession(finishedCall().slice(0, -1)); // caller's Disconnected not (yet) delivered
    expect(isSessionQuiet(session, ms(3600), QUIET_MS)).toBe(false);
  });

  it('Gone counts as finished (§3.7.1)', () => {
    const s = factory.callScenario();
    const alice = s.party({ extensionId: EXT.alice, direction: 'Inbound', from: {}, to: {} });
    s.event(alice, 'Answered', 0).event(alice, 'Gone', 5);
    expect(isSessionQuiet(factory.foldSession(s.notifications()), ms(5) + QUIET_MS, QUIET_MS)).toBe(true);
  });

  it('measures from the receipt time when events arrived late', () => {
    const receivedAt = factory.at(40); // delivered 10 s after the last eventTime
    const session = factory.foldSession(finishedCall(), receivedAt);
    expect(isSessionQuiet(session, ms(30) + QUIET_MS, QUIET_MS)).toBe(false);
    expect(isSessionQuiet(session, ms(40) + QUIET_MS, QUIET_MS)).toBe(true);
  });

  it('an empty session is not a finished call', () => {
    expect(isSessionQuiet([], ms(60), QUIET_MS)).toBe(false);
  });
});
