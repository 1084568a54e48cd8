import { MIN_OVERLAP_MS, syncWindow } from './sync-window';

const now = Date.parse('2026-01-02T12:00:00Z');
const base = { now, syncIntervalSeconds: 60, backfillMaxHours: 24 };

describe('syncWindow', () => {
  it('reads from the watermark less the overlap', () => {
    expect(syncWindow({ ...base, watermark: now - 60_000 })).toEqual({ dateFrom: now - 60_000 - MIN_OVERLAP_MS });
  });

  it('the first run reads only the overlap (no calls from before logging was on)', () => {
    expect(syncWindow(base)).toEqual({ dateFrom: now - MIN_OVERLAP_MS });
  });

  it('reaches back to legs still waiting on their record', () => {
    expect(syncWindow({ ...base, watermark: now - 60_000, oldestOpenStart: now - 3600_000 }).dateFrom).toBe(now - 3600_000);
  });

  it('the overlap is at least two periods', () => {
    expect(syncWindow({ ...base, syncIntervalSeconds: 900, watermark: now }).dateFrom).toBe(now - 1800_000);
  });

  it('after a downtime longer than the backfill bound, reads from the bound and reports what is left out', () => {
    const watermark = now - 30 * 3600_000;
    const window = syncWindow({ ...base, watermark });
    expect(window.dateFrom).toBe(now - 24 * 3600_000);
    expect(window.leftOut).toEqual({ from: new Date(watermark - MIN_OVERLAP_MS), to: new Date(now - 24 * 3600_000) });
  });
});
