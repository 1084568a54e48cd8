import fc from 'fast-check';
import { parseInstant } from './strict-instant';

describe('parseInstant', () => {
  it.each(['2025-01-31T09:00:00Z', '2025-01-31T09:00:00.123456Z', '2024-02-29T23:59:59+05:30', '2025-01-31', '2025-01-31T09:00Z'])('accepts %s', (text) => {
    expect(parseInstant(text)).toBeInstanceOf(Date);
  });

  it.each(['2024-W01', '20240101T101010Z', '2024-13-45T99:99:99Z', '2023-02-29', '2025-04-31T00:00:00Z', '2025-01-01T24:00:00Z', '2025-001', '', 'now', '2025-01-01T00:00:00+25:00'])(
    'refuses %s',
    (text) => {
      expect(parseInstant(text)).toBeUndefined();
    },
  );

  it('agrees with Date on every accepted instant, and never throws', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (date) => {
        expect(parseInstant(date.toISOString())?.getTime()).toBe(date.getTime());
      }),
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        const parsed = parseInstant(text);
        if (parsed) expect(Number.isNaN(parsed.getTime())).toBe(false);
      }),
    );
  });
});
