import { MAX_JSON_DEPTH, toStorableInboxRow } from './inbox-row.sanitizer';

const notification = { uuid: '4654793329359724763', subscriptionId: 'sub-1', body: { telephonySessionId: 's-1', parties: [{ id: 'p-1', name: 'Ann' }] } };
const item = (value: unknown, text = JSON.stringify(value)) => ({ uuid: '4654793329359724763', telephonySessionId: 's-1', payloadJson: text, payload: value });

describe('toStorableInboxRow', () => {
  it('keeps an ordinary notification as received, text and all', () => {
    const text = `  ${JSON.stringify(notification)}\n`;
    expect(toStorableInboxRow(item(notification, text))).toEqual({ uuid: notification.uuid, telephonySessionId: 's-1', payloadJson: text, intakeProblem: null });
  });

  it('parses the text itself when no parsed value is given (WebSocket path)', () => {
    const row = toStorableInboxRow({ uuid: 'u', payloadJson: '{"name":"bad \\u0000"}' });
    expect(JSON.parse(row.payloadJson)).toEqual({ name: 'bad \ufffd' });
    expect(row.intakeProblem).toContain('\\u0000');
    expect(row.telephonySessionId).toBeNull();
  });

  it('replaces U+0000 and lone surrogates in values and keys, and names the change', () => {
    const value = { ...notification, subscriptionId: 'sub\u0000', body: { ...notification.body, ['k\ud800']: ['x\udc00y', '\ud83d\ude00'] } };
    const row = toStorableInboxRow(item(value));
    expect(row.payloadJson.includes('\\u0000') || row.payloadJson.includes('\u0000')).toBe(false);
    expect(JSON.parse(row.payloadJson)).toMatchObject({ subscriptionId: 'sub\ufffd', body: { 'k\ufffd': ['x\ufffdy', '\ud83d\ude00'] } });
    expect(row.intakeProblem).toMatch(/3 string\(s\) held/);
  });

  it('finds lone surrogates written as raw characters as well as \\u escapes (a WebSocket frame is text, not UTF-8 bytes)', () => {
    const raw = '{"uuid":"u-1","subscriptionId":"sub-1","body":{"name":"x\ud800","k\udc00":"y"}}';
    expect(raw.includes('\\u')).toBe(false);
    const row = toStorableInboxRow({ uuid: 'u-1', payloadJson: raw });
    expect(JSON.parse(row.payloadJson)).toMatchObject({ body: { name: 'x\ufffd', 'k\ufffd': 'y' } });
    expect(row.intakeProblem).toMatch(/2 string\(s\) held/);
  });

  it('keeps a body nested 20,000 levels as text, without recursing', () => {
    const text = `{"uuid":"u","subscriptionId":"s","body":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    const row = toStorableInboxRow({ uuid: 'u', payloadJson: text, payload: JSON.parse(text) });
    expect(row.intakeProblem).toBe(`the body is nested more than ${MAX_JSON_DEPTH} levels deep`);
    const stored = JSON.parse(row.payloadJson) as { unparsedBody: string };
    expect(stored.unparsedBody.startsWith('{"uuid":"u"')).toBe(true);
    expect(stored.unparsedBody.length).toBeLessThan(17_000);
  });

  it('stores an over-long or unstorable uuid as its SHA-256, the same for a redelivery', () => {
    const long = toStorableInboxRow({ ...item(notification), uuid: 'u'.repeat(10_000) });
    expect(long.uuid).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(long.intakeProblem).toBe('uuid is 10000 characters long (at most 256): stored as its SHA-256');
    expect(toStorableInboxRow({ ...item(notification), uuid: 'u'.repeat(10_000) }).uuid).toBe(long.uuid);
    expect(toStorableInboxRow({ ...item(notification), uuid: 'a\u0000' }).uuid).toMatch(/^sha256:/);
  });

  it('bounds an over-long session id without calling the notification altered (the fold judges the body)', () => {
    const row = toStorableInboxRow({ ...item(notification), telephonySessionId: 's'.repeat(4_000) });
    expect(row.telephonySessionId).toMatch(/^sha256:/);
    expect(row.intakeProblem).toBeNull();
  });

  it('turns numbers PostgreSQL cannot hold into null', () => {
    const row = toStorableInboxRow({ uuid: 'u', payloadJson: '{"n":1e400}' });
    expect(JSON.parse(row.payloadJson)).toEqual({ n: null });
    expect(row.intakeProblem).toContain('out of range');
  });

  it('keeps text that is not JSON as a string', () => {
    const row = toStorableInboxRow({ uuid: 'u', payloadJson: '{nope\u0000' });
    expect(JSON.parse(row.payloadJson)).toEqual({ unparsedBody: '{nope\ufffd' });
    expect(row.intakeProblem).toBe('the body is not JSON');
  });
});
