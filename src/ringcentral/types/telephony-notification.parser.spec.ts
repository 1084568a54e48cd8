import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTelephonyNotificationParseError, parseTelephonyNotification } from './telephony-notification.parser';
import type { TelephonyNotification } from './telephony-event.types';

const fixture = (path: string): unknown =>
  JSON.parse(readFileSync(join(process.cwd(), 'test', 'fixtures', 'ringcentral', path), 'utf8')) as unknown;

const IVR_FLOW = 'events/flow-inbound-pstn-via-ivr-to-extension-answered-hold-account-level.json';
const ivrFlow = () => fixture(IVR_FLOW) as Record<string, any>[];
/** A deep copy of the first event of the real IVR flow (PSTN party, Setup), changed by `edit`. */
const realEventWith = (edit: (event: Record<string, any>) => void): unknown => {
  const event = ivrFlow()[0];
  edit(event);
  return event;
};

function parsed(json: unknown): TelephonyNotification {
  const result = parseTelephonyNotification(json);
  if (isTelephonyNotificationParseError(result)) throw new Error(`${result.field}: ${result.error}`);
  return result;
}

describe('parseTelephonyNotification', () => {
  describe('accepts real payloads (test/fixtures/ringcentral/events)', () => {
    it.each(ivrFlow().map((event, i) => [i, event] as const))(
      'IVR flow notification #%i comes back field for field',
      (_i, event) => {
        expect(parsed(event)).toEqual(event);
      },
    );

    it('the extension-level 2020 sample (rcc, park {})', () => {
      const event = fixture('events/inbound-pstn-to-extension-setup-extension-level-2020.json');
      expect(parsed(event)).toEqual(event);
    });
  });

  it.each([
    'events/internal-call-proceeding-pn_apns-wrapped-sipData-mobilePickupData-lab.json',
    'events/queue-call-proceeding-queueCall-true-pn_apns-wrapped-lab.json',
  ])('rejects the PubNub/APNS-wrapped lab sample %s, naming pn_apns', (path) => {
    expect(parseTelephonyNotification(fixture(path))).toEqual({ field: 'pn_apns', error: expect.any(String) });
  });

  it.each([
    ['presence', 'subscriptions/ws-frame-server-notification-presence-with-telephonySessionId.json'],
    ['message-store', 'subscriptions/ws-frame-server-notification-message-store.json'],
  ])('rejects a real %s notification by its event path (§3.1)', (_name, path) => {
    const [, envelope] = fixture(path) as unknown[];
    expect(parseTelephonyNotification(envelope)).toEqual({ field: 'event', error: expect.stringContaining('event') });
  });

  it.each([
    ['a whole WebSocket frame (array)', fixture('subscriptions/ws-frame-server-notification-message-store.json')],
    ['null', null],
    ['a string', 'hello'],
    ['a number', 42],
  ])('rejects %s as a whole ($)', (_name, json) => {
    expect(parseTelephonyNotification(json)).toMatchObject({ field: '$' });
  });

  it.each<[string, (e: Record<string, any>) => void]>([
    ['uuid', (e) => delete e.uuid],
    ['subscriptionId', (e) => (e.subscriptionId = 7)],
    ['body', (e) => (e.body = [])],
    ['body.sequence', (e) => (e.body.sequence = '2')],
    ['body.sequence', (e) => (e.body.sequence = 2.5)],
    ['body.telephonySessionId', (e) => delete e.body.telephonySessionId],
    ['body.eventTime', (e) => (e.body.eventTime = 'yesterday')],
    ['body.parties', (e) => (e.body.parties = [])],
    ['body.parties[0].id', (e) => delete e.body.parties[0].id],
    ['body.parties[0].direction', (e) => (e.body.parties[0].direction = 'inbound')],
    ['body.parties[0].status', (e) => delete e.body.parties[0].status],
    ['body.parties[0].status.code', (e) => (e.body.parties[0].status.code = '')],
    ['body.parties[0].extensionId', (e) => (e.body.parties[0].extensionId = { id: 1 })],
    ['body.sequence', (e) => (e.body.sequence = 2 ** 31)],
    ['body.eventTime', (e) => (e.body.eventTime = 'Tue Mar 01 2024')],
    ['uuid', (e) => (e.uuid = 'u'.repeat(10_000))],
    ['body.telephonySessionId', (e) => (e.body.telephonySessionId = 's-' + 'x'.repeat(4_000))],
    ['body.parties[0].id', (e) => (e.body.parties[0].id = 'p-' + 'x'.repeat(4_000))],
    ['subscriptionId', (e) => (e.subscriptionId = 'sub\u0000id')],
    ['body.telephonySessionId', (e) => (e.body.telephonySessionId = 's-\ud800')],
  ])('names the bad field %s', (field, edit) => {
    expect(parseTelephonyNotification(realEventWith(edit))).toEqual({ field, error: expect.any(String) });
  });

  it.each(['VoiceMail', 'Voicemail', 'voicemail', 'VOICEMAIL'])(
    'reads status code %s as Voicemail (platform vs spec spelling, §3.4)',
    (code) => {
      const event = parsed(realEventWith((e) => (e.body.parties[0].status.code = code)));
      expect(event.body.parties[0].status.code).toBe('Voicemail');
    },
  );

  it('takes a missing party accountId from the event path', () => {
    const event = parsed(realEventWith((e) => delete e.body.parties[0].accountId));
    expect(event.body.parties[0].accountId).toBe('809646016');
  });

  it('accepts filter paths with a query string and extension paths', () => {
    const path = '/restapi/v1.0/account/37439510/extension/1234/telephony/sessions?sipData=true';
    expect(parsed(realEventWith((e) => (e.event = path))).event).toBe(path);
  });

  it('treats null optional fields as absent and defaults missing flags to false', () => {
    const event = parsed(
      realEventWith((e) => {
        e.body.parties[0].from.name = null;
        delete e.body.parties[0].to;
        delete e.body.parties[0].muted;
      }),
    );
    expect(event.body.parties[0].from).toEqual({ phoneNumber: '+14083388064' });
    expect(event.body.parties[0].to).toEqual({});
    expect(event.body.parties[0].muted).toBe(false);
  });

  it('keeps recordings, queueCall, peerId and reasons (spec fields not in the captures)', () => {
    const event = parsed(
      realEventWith((e) => {
        Object.assign(e.body.parties[0], { queueCall: true, recordings: [{ id: '1662272004', active: true }] });
        e.body.parties[0].status = {
          code: 'Gone',
          reason: 'AttendedTransfer',
          peerId: { sessionId: '1', telephonySessionId: 's-2', partyId: 'p-2-1' },
        };
      }),
    );
    expect(event.body.parties[0]).toMatchObject({
      queueCall: true,
      recordings: [{ id: '1662272004', active: true }],
      status: { code: 'Gone', reason: 'AttendedTransfer', peerId: { telephonySessionId: 's-2', partyId: 'p-2-1' } },
    });
  });

  describe('lenient where RingCentral may change without notice', () => {
    it('keeps an unknown status code as it came', () => {
      const event = parsed(realEventWith((e) => (e.body.parties[0].status.code = 'Screening')));
      expect(event.body.parties[0].status.code).toBe('Screening');
    });

    it('drops optional fields of the wrong type or of absurd length instead of refusing the notification', () => {
      const event = parsed(
        realEventWith((e) => {
          Object.assign(e.body.parties[0], { missedCall: 'no', recordings: { id: '1' }, queueCall: 3, uiCallInfo: 'x', park: [] });
          e.body.parties[0].from = { phoneNumber: 14083388064, name: 'n'.repeat(5000) };
          e.body.parties[0].status.reason = { why: 'object' };
          e.body.origin = 'Call';
          e.timestamp = 'soon';
          e.ownerId = ['x'];
          e.somethingNew = { nested: true };
        }),
      );
      const party = event.body.parties[0];
      expect(party).toMatchObject({ missedCall: false, from: {} });
      expect(party).not.toHaveProperty('recordings');
      expect(party).not.toHaveProperty('queueCall');
      expect(party.status).not.toHaveProperty('reason');
      expect(event).not.toHaveProperty('timestamp');
      expect(event).not.toHaveProperty('ownerId');
      expect(event).not.toHaveProperty('somethingNew');
      expect(event.body).not.toHaveProperty('origin');
    });

    it('tolerates a party with no from and no to', () => {
      const event = parsed(
        realEventWith((e) => {
          delete e.body.parties[0].from;
          delete e.body.parties[0].to;
        }),
      );
      expect(event.body.parties[0]).toMatchObject({ from: {}, to: {} });
    });

    it('drops malformed recordings one by one', () => {
      const event = parsed(realEventWith((e) => (e.body.parties[0].recordings = [{ id: '1', active: true }, 'bad', { active: true }])));
      expect(event.body.parties[0].recordings).toEqual([{ id: '1', active: true }]);
    });
  });
});
