import { parseTelephonyNotification } from '../../src/ringcentral/types';
import { COMPANY_NUMBER, CUSTOMER_NUMBER, EXT, factory } from '../factories/telephony-event.factory';

/** The builders must keep producing what RingCentral sends, or every rule test built on them proves nothing. */
describe('telephony-event factory', () => {
  it('telephonyEvent builds a notification the parser accepts unchanged, with overrides applied', () => {
    const event = factory.telephonyEvent({ status: 'Disconnected', sequence: 7, at: 12 });
    expect(parseTelephonyNotification(event)).toEqual(event);
    expect(event.body).toMatchObject({ sequence: 7, eventTime: factory.at(12) });
    expect(event.body.parties[0]).toMatchObject({ extensionId: EXT.alice, status: { code: 'Disconnected' } });
    expect(event.event).toBe(`/restapi/v1.0/account/${event.body.parties[0].accountId}/extension/${EXT.alice}/telephony/sessions`);
  });

  it('callScenario numbers sequences from 2 in emission order and uses the account path for PSTN parties (§3.1)', () => {
    const s = factory.callScenario();
    const caller = s.party({ direction: 'Outbound', from: { phoneNumber: CUSTOMER_NUMBER }, to: { phoneNumber: COMPANY_NUMBER } });
    const alice = s.party({ extensionId: EXT.alice, direction: 'Inbound', from: {}, to: {} });
    s.event(caller, 'Setup', 0).event(alice, 'Setup', 1).event(alice, 'Disconnected', 2, { reason: 'CallSwitch' });
    const notifications = s.notifications();
    expect(notifications.map((n) => n.body.sequence)).toEqual([2, 3, 4]);
    expect(notifications[0].event).toMatch(/\/account\/\d+\/telephony\/sessions$/);
    expect(notifications[0].body.parties[0].extensionId).toBeUndefined();
    expect(notifications[2].body.parties[0].status).toEqual({ code: 'Disconnected', reason: 'CallSwitch', rcc: false });
    for (const n of notifications) expect(parseTelephonyNotification(n)).toEqual(n);
  });
});
