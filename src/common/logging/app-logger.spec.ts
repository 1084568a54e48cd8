import { Logger } from '@nestjs/common';
import pino from 'pino';
import { Writable } from 'node:stream';
import { AppLogger } from './app-logger';
import { loggerOptions } from './logger.options';

/** Nest's Logger writing through AppLogger into captured JSON lines (the application's own pino options). */
function capture(level = 'trace'): { lines: Record<string, unknown>[]; logger: AppLogger } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  const { hooks, redact, serializers } = loggerOptions(level);
  return { lines, logger: new AppLogger(pino({ level, hooks, redact, serializers: { err: serializers!.err! } }, stream)) };
}

describe('AppLogger (Nest Logger → pino lines)', () => {
  it("writes a service's object and message with its context, as Nest's Logger calls it", () => {
    const { lines, logger } = capture();
    const log = new Logger('InboxWriter');
    Logger.overrideLogger(logger);
    log.warn({ count: 3 }, 'a batch of notifications was refused');
    log.log('plain message');
    Logger.overrideLogger(false);
    expect(lines[0]).toMatchObject({ level: 40, context: 'InboxWriter', count: 3, msg: 'a batch of notifications was refused' });
    expect(lines[1]).toMatchObject({ level: 30, context: 'InboxWriter', msg: 'plain message' });
  });

  it('maps every Nest level, verbose to trace', () => {
    const { lines, logger } = capture();
    logger.verbose('v', 'C');
    logger.debug('d', 'C');
    logger.log('l', 'C');
    logger.warn('w', 'C');
    logger.error('e', 'C');
    logger.fatal('f', 'C');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([[10, 'v'], [20, 'd'], [30, 'l'], [40, 'w'], [50, 'e'], [60, 'f']]);
  });

  it('keeps an Error as err (message and stack), never as the message text', () => {
    const { lines, logger } = capture();
    logger.error(new Error('boom'), 'Ctx');
    expect(lines[0]).toMatchObject({ context: 'Ctx', err: { message: 'boom', stack: expect.stringContaining('Error: boom') } });
  });

  it("turns Nest's error(message, stack) into an err carrying that stack", () => {
    const { lines, logger } = capture();
    logger.error('Unhandled', 'Error: x\n    at somewhere (file.js:1:1)');
    logger.error('Unhandled', 'Error: y\n    at elsewhere (file.js:2:2)', 'ExceptionsHandler');
    expect(lines[0]).toMatchObject({ err: { message: 'Unhandled', stack: 'Error: x\n    at somewhere (file.js:1:1)' } });
    expect(lines[0]).not.toHaveProperty('context');
    expect(lines[1]).toMatchObject({ context: 'ExceptionsHandler', err: { stack: expect.stringContaining('elsewhere') } });
  });

  it('honours the level and the log sanitizer (credentials redacted, phone numbers masked at info)', () => {
    const { lines, logger } = capture('info');
    logger.debug('hidden');
    logger.log({ accessToken: 'at-secret', from: '+16505550101' }, 'Ctx');
    expect(lines).toHaveLength(1);
    expect(JSON.stringify(lines[0])).not.toMatch(/at-secret|6505550101/);
    expect(lines[0]).toMatchObject({ context: 'Ctx', from: expect.stringContaining('0101') });
  });
});
