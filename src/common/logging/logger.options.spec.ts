import pino from 'pino';
import { Writable } from 'node:stream';
import { REDACTED_PATHS } from './logger.options';

function capture(obj: object): string {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, stream).info(obj, 'message');
  return lines.join('');
}

describe('log redaction', () => {
  it('redacts authorization and webhook token headers', () => {
    const out = capture({
      req: { headers: { authorization: 'Bearer s3cr3t', 'verification-token': 'vt-123', 'validation-token': 'val-9', accept: 'json' } },
    });
    expect(out).not.toMatch(/s3cr3t|vt-123|val-9/);
    expect(out).toContain('"accept":"json"');
  });

  it('redacts tokens and passwords at the top level and nested', () => {
    const out = capture({
      accessToken: 'at-1',
      tokens: { refresh_token: 'rt-1', jwt: 'jwt-1' },
      settings: { values: { apiKey: 'key-1', password: 'pw-1' } },
      phone: '+16505550100',
    });
    expect(out).not.toMatch(/at-1|rt-1|jwt-1|key-1|pw-1/);
    expect(out).toContain('[redacted]');
  });
});
