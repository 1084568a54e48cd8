import { randomBytes } from 'node:crypto';
import { ConfigValidationError, validateEnv } from './env.schema';

function problemsOf(env: Record<string, string>): string[] {
  try {
    validateEnv(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
}

describe('validateEnv', () => {
  it('applies the documented defaults to an empty environment', () => {
    const env = validateEnv({});
    expect(env).toMatchObject({ PORT: 3000, ROLE: 'all', DATA_DIR: './.data', LOG_LEVEL: 'info', RINGCENTRAL_SERVER: 'https://platform.ringcentral.com' });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('call-log sync settings: documented defaults, and a bad value is named', () => {
    expect(validateEnv({})).toMatchObject({ CALL_LOG_SYNC_INTERVAL_SECONDS: 60, CALL_LOG_BACKFILL_MAX_HOURS: 24, CALL_LOG_RECORD_WAIT_SECONDS: 900 });
    expect(problemsOf({ CALL_LOG_SYNC_INTERVAL_SECONDS: '0' })).toEqual([expect.stringContaining('CALL_LOG_SYNC_INTERVAL_SECONDS')]);
    expect(problemsOf({ CALL_LOG_BACKFILL_MAX_HOURS: 'a day' })).toEqual([expect.stringContaining('CALL_LOG_BACKFILL_MAX_HOURS')]);
    expect(problemsOf({ CALL_LOG_RECORD_WAIT_SECONDS: '-5' })).toEqual([expect.stringContaining('CALL_LOG_RECORD_WAIT_SECONDS')]);
  });

  it('names PORT when it is not a port number', () => {
    expect(problemsOf({ PORT: 'abc' })).toEqual([expect.stringContaining('PORT')]);
    expect(problemsOf({ PORT: '70000' })).toEqual([expect.stringContaining('PORT')]);
  });

  it('names DATABASE_URL when it is not a postgres URL', () => {
    const problems = problemsOf({ DATABASE_URL: 'nonsense', ENCRYPTION_KEY: randomBytes(32).toString('base64'), HASH_KEY: 'x'.repeat(20) });
    expect(problems).toEqual([expect.stringContaining('DATABASE_URL')]);
  });

  it('requires ENCRYPTION_KEY and HASH_KEY when DATABASE_URL is set', () => {
    const problems = problemsOf({ DATABASE_URL: 'postgres://u:p@db:5432/sscl' });
    expect(problems.join('\n')).toContain('ENCRYPTION_KEY is required');
    expect(problems.join('\n')).toContain('HASH_KEY is required');
  });

  it('rejects an ENCRYPTION_KEY that is not 32 bytes', () => {
    expect(problemsOf({ ENCRYPTION_KEY: randomBytes(16).toString('base64') })).toEqual([expect.stringContaining('ENCRYPTION_KEY')]);
  });

  it('rejects an unknown ROLE and names the allowed ones', () => {
    const [problem] = problemsOf({ ROLE: 'cron' });
    expect(problem).toContain('ROLE');
    expect(problem).toContain('api');
  });

  it('takes RINGCENTRAL_TRANSPORT webhook (default) or websocket, and a lease of 3 to 300 seconds', () => {
    expect(validateEnv({})).toMatchObject({ RINGCENTRAL_TRANSPORT: 'webhook', RINGCENTRAL_WEBSOCKET_LEASE_SECONDS: 30 });
    expect(validateEnv({ RINGCENTRAL_TRANSPORT: 'websocket', RINGCENTRAL_WEBSOCKET_LEASE_SECONDS: '5' })).toMatchObject({ RINGCENTRAL_TRANSPORT: 'websocket', RINGCENTRAL_WEBSOCKET_LEASE_SECONDS: 5 });
    const [transport] = problemsOf({ RINGCENTRAL_TRANSPORT: 'pubnub' });
    expect(transport).toContain('RINGCENTRAL_TRANSPORT');
    expect(transport).toContain('websocket');
    expect(problemsOf({ RINGCENTRAL_WEBSOCKET_LEASE_SECONDS: '2' })).toEqual([expect.stringContaining('RINGCENTRAL_WEBSOCKET_LEASE_SECONDS')]);
    expect(problemsOf({ RINGCENTRAL_WEBSOCKET_LEASE_SECONDS: '301' })).toEqual([expect.stringContaining('RINGCENTRAL_WEBSOCKET_LEASE_SECONDS')]);
  });

  it('lists every problem at once', () => {
    expect(problemsOf({ PORT: 'x', ROLE: 'y', LOG_LEVEL: 'loud' })).toHaveLength(3);
  });

  it('takes a variable set to the empty string as unset (DATABASE_URL= from a compose file)', () => {
    const env = validateEnv({ DATABASE_URL: '', PORT: '', ENCRYPTION_KEY: '' });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PORT).toBe(3000);
  });

  it('reads the outbound allowances and the retention period, and names a bad OUTBOUND_ALLOW_HOSTS entry', () => {
    expect(validateEnv({})).toMatchObject({ OUTBOUND_ALLOW_PRIVATE: false, RETENTION_DAYS: 30 });
    expect(validateEnv({ OUTBOUND_ALLOW_PRIVATE: 'true', OUTBOUND_ALLOW_HOSTS: 'crm.internal, 10.0.0.0/8 ::1', RETENTION_DAYS: '7' })).toMatchObject({
      OUTBOUND_ALLOW_PRIVATE: true,
      RETENTION_DAYS: 7,
    });
    expect(() => validateEnv({ OUTBOUND_ALLOW_HOSTS: '10.0.0.0/99' })).toThrow(/OUTBOUND_ALLOW_HOSTS/);
    expect(() => validateEnv({ OUTBOUND_ALLOW_HOSTS: 'bad host!' })).toThrow(/OUTBOUND_ALLOW_HOSTS/);
    expect(() => validateEnv({ RETENTION_DAYS: '0' })).toThrow(/RETENTION_DAYS/);
  });
});
