import listPage from '../../../test/fixtures/ringcentral/call-log/list-extension-simple-inbound-tollfree-and-outbound-voip-recorded-billing-2023.json';
import detailedRecord from '../../../test/fixtures/ringcentral/call-log/record-detailed-inbound-accepted-recorded-legs-accept-and-pstntosip-2023.json';
import simpleRecord from '../../../test/fixtures/ringcentral/call-log/record-simple-inbound-accepted-recording-ondemand-docs-sample.json';
import type { CallLogPage, CallLogRecord, DetailedCallLogRecord } from './call-record.types';

/**
 * JSON imports widen string literals to `string`; this widens the declared types the same way so the assignments
 * below check field names, nesting and primitive types of the real records (test/fixtures/ringcentral/call-log) at compile time.
 */
type Widened<T> = T extends string
  ? string
  : T extends readonly (infer U)[]
    ? Widened<U>[]
    : T extends object
      ? { [K in keyof T]: Widened<T[K]> }
      : T;

const simple: Widened<CallLogRecord> = simpleRecord;
const detailed: Widened<DetailedCallLogRecord> = detailedRecord;
const page: Widened<CallLogPage> = listPage;

describe('call-log record types against the real records (test/fixtures/ringcentral/call-log)', () => {
  it('Simple record: direction, result and recording as typed', () => {
    const record = simple as CallLogRecord;
    expect(record.direction).toBe('Inbound');
    expect(record.result).toBe('Accepted');
    expect(record.recording?.type).toBe('OnDemand');
  });

  it('Detailed record: legs with legType and a numeric extension id', () => {
    const record = detailed as DetailedCallLogRecord;
    expect(record.legs.map((leg) => leg.legType)).toEqual(['Accept', 'PstnToSip']);
    expect(record.legs.map((leg) => typeof leg.extension?.id)).toEqual(['number', 'number']);
  });

  it('list page: records with Simple results, paging and navigation', () => {
    const typed = page as CallLogPage;
    expect(typed.records.map((r) => [r.direction, r.result])).toEqual([
      ['Inbound', 'Accepted'],
      ['Outbound', 'Call connected'],
    ]);
    expect(typed.navigation.nextPage).toBeUndefined();
  });

  it('every direction in the fixtures is one of the declared values', () => {
    const all = [simple, detailed, ...detailed.legs, ...page.records];
    for (const entry of all) expect(['Inbound', 'Outbound']).toContain(entry.direction);
  });
});
