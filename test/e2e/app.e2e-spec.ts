import { AsyncLocalStorage } from 'node:async_hooks';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { DataSource } from 'typeorm';
import { TickScheduler } from '../../src/jobs/tick-scheduler';
import { fetchJson } from '../support/http';
import { startTestApp, type TestApp } from '../support/test-app';
import { waitFor } from '../support/wait-for';

describe('the application over HTTP (ROLE=all)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('reports database and queue health', async () => {
    const { status, body } = await fetchJson(`${t.url}/health`);
    expect(status).toBe(200);
    expect(body.details).toMatchObject({ database: { status: 'up' }, queue: { status: 'up', deadLetters: 0 } });
  });

  it('counts dead letters in /metrics and reports them in /health without failing it', async () => {
    const ds = t.app.get(DataSource);
    await ds.query(`INSERT INTO pgboss.job (name, data, state) VALUES ('call.log.dead', '{"callLogId":"x"}', 'created')`);
    try {
      const health = await fetchJson(`${t.url}/health`);
      expect(health.status).toBe(200);
      expect(health.body.details.queue).toMatchObject({ status: 'up', deadLetters: 1, deadLettersByQueue: { 'call.log.dead': 1 } });
      const text = await (await fetch(`${t.url}/metrics`)).text();
      expect(text).toContain('sscl_jobs_dead_letters{queue="call.log"} 1');
      expect(text).toContain('sscl_jobs_dead_letters{queue="session.settle"} 0');
    } finally {
      await ds.query(`DELETE FROM pgboss.job WHERE name = 'call.log.dead'`);
    }
  });

  it('serves Prometheus metrics with process metrics and the job counter', async () => {
    const res = await fetch(`${t.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('# TYPE sscl_jobs_processed_total counter');
  });

  it('serves the OpenAPI UI and document', async () => {
    expect((await fetch(`${t.url}/docs`)).status).toBe(200);
    const { body: doc } = await fetchJson(`${t.url}/docs-json`);
    expect(doc.paths['/health']).toBeDefined();
    // Answered by a middleware ahead of the router, documented all the same.
    expect(doc.paths['/webhooks/ringcentral'].post.responses).toMatchObject({ '200': expect.anything(), '400': expect.anything(), '401': expect.anything(), '413': expect.anything() });
    expect(doc.paths['/admin/events/quarantined']).toBeDefined();
  });

  it('answers unknown routes with a coded 404 carrying the correlation id it echoes in a header', async () => {
    const res = await fetchJson(`${t.url}/nope`, { headers: { 'x-correlation-id': 'abc-123' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-correlation-id')).toBe('abc-123');
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String), correlationId: 'abc-123' } });
  });

  it('serves and logs requests without an AsyncLocalStorage (on Node 20 one turns on async hooks for every promise of the process)', async () => {
    const proto = AsyncLocalStorage.prototype;
    const { run, enterWith } = proto;
    const uses: string[] = [];
    proto.run = function (this: AsyncLocalStorage<unknown>, ...args: Parameters<typeof run>) {
      uses.push(new Error('run').stack ?? 'run');
      return run.apply(this, args);
    } as typeof run;
    proto.enterWith = function (this: AsyncLocalStorage<unknown>, store: unknown) {
      uses.push(new Error('enterWith').stack ?? 'enterWith');
      return enterWith.call(this, store);
    };
    try {
      const responses = await Promise.all([fetch(`${t.url}/nope`), fetch(`${t.url}/health`), fetch(`${t.url}/admin/subscription`), fetch(`${t.url}/docs-json`)]);
      expect(responses.map((r) => r.status)).toEqual([404, 200, 401, 200]);
      // Every request still gets its correlation id (the request logger's id, echoed in a header).
      for (const r of responses) expect(r.headers.get('x-correlation-id')).toBeTruthy();
    } finally {
      proto.run = run;
      proto.enterWith = enterWith;
    }
    expect(uses).toEqual([]);
  });

  it('makes up a correlation id when the caller sends none or an unsafe one', async () => {
    const res = await fetchJson(`${t.url}/nope`, { headers: { 'x-correlation-id': 'bad id <script>' } });
    const id = res.headers.get('x-correlation-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.error.correlationId).toBe(id);
  });

  it('answers a request Node cannot parse with its coded 4xx, and lets a client still sending finish before it closes', async () => {
    // A URL above Node's 16 KiB header limit, then the body the client had started to send.
    const tooLong = await rawExchange(t.url, `POST /plugins/async-callback/${'y'.repeat(70_000)} HTTP/1.1\r\nHost: x\r\nContent-Length: 4000000\r\n\r\n`, Buffer.alloc(4_000_000, 'z'));
    expect(tooLong.writeError).toBeUndefined();
    expect(tooLong.statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(tooLong.body).toEqual({ error: { code: 'HEADERS_TOO_LARGE', message: expect.stringContaining('16 KiB'), correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/) } });

    const malformed = await rawExchange(t.url, 'GET /health HTTP/1.1\r\nHost: x\r\nnot a header\r\n\r\n');
    expect([malformed.statusLine, malformed.body]).toEqual(['HTTP/1.1 400 Bad Request', { error: { code: 'VALIDATION_FAILED', message: expect.any(String), correlationId: expect.any(String) } }]);
    // The server still answers others as before.
    expect((await fetchJson(`${t.url}/health`)).status).toBe(200);
  });

  it('runs the housekeeping job when a tick is enqueued', async () => {
    const tickAt = new Date('2031-05-05T05:05:00.000Z');
    await t.app.get(TickScheduler).fire('system.housekeeping', tickAt);
    const ds = t.app.get(DataSource);
    const deadline = Date.now() + 15_000;
    let rows: { handled_by: string }[] = [];
    while (Date.now() < deadline && rows.length === 0) {
      rows = await ds.query('SELECT handled_by FROM housekeeping_runs WHERE tick_at = $1', [tickAt]);
      if (!rows.length) await new Promise((r) => setTimeout(r, 100));
    }
    expect(rows).toHaveLength(1);
  });
});

describe('ROLE=worker', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ ROLE: 'worker' });
  });

  afterAll(async () => {
    await t.close();
  });

  it('keeps /health and /metrics for probes but serves nothing else', async () => {
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
    expect((await fetch(`${t.url}/metrics`)).status).toBe(200);
    const docs = await fetchJson(`${t.url}/docs`);
    expect(docs.status).toBe(404);
    expect(docs.body.error.message).toContain('ROLE=worker');
    // The webhook intake is answered ahead of Express in api roles only.
    const webhook = await fetchJson(`${t.url}/webhooks/ringcentral`, { method: 'POST', headers: { 'Validation-Token': 'abc' } });
    expect(webhook.status).toBe(404);
    expect(webhook.body.error.message).toContain('ROLE=worker');
  });
});

/**
 * Sends `head` on a raw connection, waits for the answer, then sends `rest` (as a client does that was still writing
 * its body when the server answered): the status line, the JSON body and whether writing the rest failed. It returns
 * once the server has closed the connection (a server that kept it open would time the test out).
 */
async function rawExchange(baseUrl: string, head: string, rest?: Buffer) {
  const { hostname, port } = new URL(baseUrl);
  // Half-open like an HTTP client's connection: the server's FIN after its answer does not end the client's sending.
  const socket: Socket = connect({ port: Number(port), host: hostname, allowHalfOpen: true });
  await once(socket, 'connect');
  let received = '';
  let socketError: Error | undefined;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  socket.on('error', (error) => (socketError = error));
  const closed = once(socket, 'close');
  socket.write(head);
  const answer = await waitFor(async () => {
    const split = received.indexOf('\r\n\r\n');
    const length = /content-length: (\d+)/i.exec(received)?.[1];
    return split >= 0 && length && received.length >= split + 4 + Number(length) ? received : undefined;
  }, 10_000, 'the answer');
  const writeError = rest && (await new Promise<Error | null | undefined>((resolve) => socket.write(rest, resolve)));
  socket.end();
  await closed;
  const split = answer.indexOf('\r\n\r\n');
  return {
    statusLine: answer.slice(0, answer.indexOf('\r\n')),
    body: JSON.parse(answer.slice(split + 4)) as unknown,
    writeError: writeError ?? socketError,
  };
}
