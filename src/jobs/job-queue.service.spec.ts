import { deterministicUuid } from './job-queue.service';

describe('deterministicUuid', () => {
  it('is stable for a seed and differs between seeds', () => {
    expect(deterministicUuid('system.housekeeping@2026-01-01T00:00:00.000Z')).toBe(deterministicUuid('system.housekeeping@2026-01-01T00:00:00.000Z'));
    expect(deterministicUuid('a')).not.toBe(deterministicUuid('b'));
  });

  it('has the UUID layout PostgreSQL accepts (version 5, RFC variant)', () => {
    expect(deterministicUuid('x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
