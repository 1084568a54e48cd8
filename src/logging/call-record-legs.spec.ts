import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DetailedCallLogRecord } from '../ringcentral/types';
import { inProgressCall, isFinalRecord, MEDIA_READER, recordLegs } from './call-record-legs';

const fixture = (name: string): DetailedCallLogRecord =>
  JSON.parse(readFileSync(join(process.cwd(), 'test/fixtures/ringcentral/call-log', name), 'utf8')) as DetailedCallLogRecord;

describe('recordLegs (a call-log record -> the leg keys the events use)', () => {
  it('maps the captured Detailed record onto its extension, once, from its first leg', () => {
    const record = fixture('record-detailed-inbound-accepted-recorded-legs-accept-and-pstntosip-2023.json');
    const legs = recordLegs(record);
    expect(legs).toHaveLength(1);
    expect(legs[0]).toMatchObject({
      telephonySessionId: 's-a0d178729c49dz1876d9b9d11z19269ec0000',
      extensionId: '664573005',
      recordId: 'VgLcd1KWffJVzUA',
      direction: 'Inbound',
      result: 'Accepted',
      duration: 55,
      kind: 'answered',
      internal: false,
      otherNumber: '+14155555908',
      recordingLink: expect.stringContaining('/content'),
    });
  });

  it('gives the record\'s own extension the record\'s values and a voicemail link', () => {
    const record = {
      ...fixture('record-detailed-inbound-accepted-recorded-legs-accept-and-pstntosip-2023.json'),
      result: 'Voicemail',
      duration: 31,
      recording: undefined,
      extension: { id: 777, uri: 'x' },
      message: { id: 'm1', type: 'VoiceMail', uri: 'https://platform.example/message-store/m1' },
    } as DetailedCallLogRecord;
    const own = recordLegs(record).find((l) => l.extensionId === '777')!;
    expect(own).toMatchObject({ result: 'Voicemail', duration: 31, kind: 'voicemail', voicemailLink: `${MEDIA_READER}${encodeURIComponent('https://platform.example/message-store/m1')}` });
    expect(own.recordingLink).toBeUndefined();
  });

  it('is empty until the record is final', () => {
    const record = { ...fixture('record-detailed-inbound-accepted-recorded-legs-accept-and-pstntosip-2023.json'), result: 'In Progress', duration: undefined };
    expect(isFinalRecord(record)).toBe(false);
    expect(recordLegs(record)).toEqual([]);
  });

  it('a record in progress names its call, start and extensions; a final one does not', () => {
    const final = fixture('record-detailed-inbound-accepted-recorded-legs-accept-and-pstntosip-2023.json');
    const open = { ...final, result: 'In Progress', duration: undefined } as DetailedCallLogRecord;
    const call = inProgressCall(open)!;
    expect(call.telephonySessionId).toBe(final.telephonySessionId);
    expect(call.startTime.toISOString()).toBe(new Date(final.startTime).toISOString());
    expect(call.extensionIds).toEqual([...new Set(final.legs.map((l) => String(l.extension!.id)))]);
    expect(inProgressCall(final)).toBeUndefined();
  });
});

