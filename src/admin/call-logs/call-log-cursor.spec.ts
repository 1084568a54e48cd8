import { decodeCursor, encodeCursor } from './call-log-cursor';

describe('call-log cursor', () => {
  it('round-trips with microseconds kept', () => {
    const cursor = { endedAt: '2025-01-02T03:04:05.123456Z', id: '5b0c1a9e-4f7b-4b43-9b8e-0d6f1f2a3b4c' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it.each(['', 'garbage', Buffer.from('["x","y"]').toString('base64url'), Buffer.from('{"a":1}').toString('base64url'), Buffer.from('["2025-01-02T03:04:05.123456Z","1; DROP"]').toString('base64url'),
    // Shaped like an instant but not one: PostgreSQL would answer "date/time field value out of range".
    encodeCursor({ endedAt: '2024-13-45T99:99:99.000000Z', id: '5b0c1a9e-4f7b-4b43-9b8e-0d6f1f2a3b4c' })])(
    'refuses %j',
    (value) => {
      expect(decodeCursor(value)).toBeUndefined();
    },
  );
});
