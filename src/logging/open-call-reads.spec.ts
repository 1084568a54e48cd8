import { OPEN_CALL_SLACK_MS, openCallSlices } from './open-call-reads';

describe('openCallSlices (narrow reads around the starts of calls still in progress)', () => {
  const t = Date.parse('2026-01-02T12:00:00Z');

  it('one read per start, a second either side, oldest first', () => {
    expect(openCallSlices([t, t - 600_000])).toEqual([
      [t - 600_000 - OPEN_CALL_SLACK_MS, t - 600_000 + OPEN_CALL_SLACK_MS],
      [t - OPEN_CALL_SLACK_MS, t + OPEN_CALL_SLACK_MS],
    ]);
  });

  it('starts close together share one read', () => {
    expect(openCallSlices([t, t + 500, t + 1500])).toEqual([[t - OPEN_CALL_SLACK_MS, t + 1500 + OPEN_CALL_SLACK_MS]]);
  });

  it('no open call, no read', () => {
    expect(openCallSlices([])).toEqual([]);
  });
});
