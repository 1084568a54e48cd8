import { Writable } from 'node:stream';
import pino from 'pino';
import { LOG_LIMITS, maskPhones, sanitizingLogMethod, serializeError } from './log-sanitizer';

function logger(level = 'debug'): { log: pino.Logger; lines: () => Record<string, unknown>[]; raw: () => string[] } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      raw.push(String(chunk));
      done();
    },
  });
  // As pino-http sets it up: pino's own err serializer runs before ours.
  const log = pino({ level, hooks: { logMethod: sanitizingLogMethod }, serializers: { err: pino.stdSerializers.wrapErrorSerializer(serializeError) } }, stream);
  return { log, lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>), raw: () => raw };
}

describe('log sanitizer', () => {
  it('masks phone numbers at info and above, keeping the last four digits; debug lines keep them whole', () => {
    const { log, raw } = logger();
    log.info({ from: '+16505550101', to: '(650) 555-0199', note: 'called %2B16505550123 back' }, 'call from +16505550101');
    log.debug({ from: '+16505550101' }, 'debug +16505550101');
    const [info, debug] = raw();
    expect(info).not.toContain('6505550101');
    expect(info).toContain('+*******0101');
    expect(info).toContain('(***) ***-0199');
    expect(info).toContain('%2B*******0123');
    expect(debug).toContain('+16505550101');
    expect(maskPhones('ext 101, id 62264425004')).toBe('ext 101, id 62264425004');
  });

  it('bounds a line whatever is logged: long strings, huge arrays, deep and wide objects', () => {
    const { log, raw } = logger();
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 50; i += 1) deep = { deep };
    const wide = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, 'v'.repeat(100)]));
    log.error({ batch: Array.from({ length: 10_000 }, (_, i) => ({ uuid: `u${i}`, body: 'x'.repeat(1000) })), deep, wide, text: 'y'.repeat(1_000_000) }, 'failed');
    expect(raw()[0]!.length).toBeLessThan(LOG_LIMITS.maxNodes * (LOG_LIMITS.maxString + 100));
    expect(raw()[0]!.length).toBeLessThan(100_000);
  });

  it('keeps what explains an error, never the objects hanging off it (a database client, a request body)', () => {
    const { log, lines } = logger();
    class DatabaseError extends Error {
      override name = 'DatabaseError';
    }
    const error = Object.assign(new DatabaseError('terminating connection'), { code: '57P01', client: { connectionParameters: { password: 'pw' } }, body: { secret: 1 } });
    log.error({ err: error }, 'job queue error');
    const err = lines()[0]!.err as Record<string, unknown>;
    expect(err).toMatchObject({ type: 'DatabaseError', message: 'terminating connection', code: '57P01' });
    expect(err).not.toHaveProperty('client');
    expect(err).not.toHaveProperty('body');
  });

  it("logs Nest's start-up lines at debug, not info", () => {
    const { log, lines } = logger('info');
    log.info({ context: 'RouterExplorer' }, 'Mapped {/admin, GET} route');
    log.info({ context: 'CallLoggingJob' }, 'logged');
    expect(lines().map((l) => l.msg)).toEqual(['logged']);
    const verbose = logger('debug');
    verbose.log.info({ context: 'InstanceLoader' }, 'AppModule dependencies initialized');
    expect(verbose.lines()[0]).toMatchObject({ level: 20, msg: 'AppModule dependencies initialized' });
  });
});
