import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { OutboundGuard } from '../common/net/outbound-guard';
import type { AddressInfo } from 'node:net';
import { ConnectorError } from './connector.error';
import { HttpConnectorClient } from './http-connector.client';

interface Seen {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real local server whose answer each test sets; it records what it received. */
async function startServer(): Promise<{ url: string; seen: Seen[]; answer: (h: (req: IncomingMessage, res: ServerResponse) => void) => void; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      handler(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    answer: (h) => {
      handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
};

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConnectorError) return error;
    throw error;
  }
  throw new Error('expected a ConnectorError');
}

describe('HttpConnectorClient', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.seen.length = 0;
  });

  it('sends JSON with query and headers, reads JSON back, and counts the request', async () => {
    const counted: string[] = [];
    const client = new HttpConnectorClient({ onRequest: (connectorId, operation) => counted.push(`${connectorId}/${operation}`) }, OutboundGuard.allowingAll());
    server.answer(json(201, { activity: { id: 'act_1' } }));
    const res = await client.request<{ activity: { id: string } }>({
      connectorId: 'sample-crm',
      operation: 'createCallLog',
      method: 'POST',
      url: `${server.url}/api/activities`,
      query: { phone: '+16505550101', skipped: undefined },
      headers: { Authorization: 'Basic abc', 'Idempotency-Key': 'k1', 'X-Absent': undefined },
      body: { subject: 'Hi' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ activity: { id: 'act_1' } });
    const [seen] = server.seen;
    expect(seen?.method).toBe('POST');
    expect(seen?.url).toBe('/api/activities?phone=%2B16505550101');
    expect(seen?.headers['content-type']).toBe('application/json');
    expect(seen?.headers['idempotency-key']).toBe('k1');
    expect(seen?.headers['x-absent']).toBeUndefined();
    expect(JSON.parse(seen?.body ?? '')).toEqual({ subject: 'Hi' });
    expect(counted).toEqual(['sample-crm/createCallLog']);
  });

  it('returns undefined for an empty body', async () => {
    server.answer((_req, res) => res.writeHead(204).end());
    const res = await new HttpConnectorClient(undefined, OutboundGuard.allowingAll()).request({ connectorId: 'c', operation: 'op', method: 'DELETE', url: server.url });
    expect(res.body).toBeUndefined();
  });

  it('classifies HTTP failures, keeping Retry-After', async () => {
    server.answer(json(429, { error: 'rate_limited' }, { 'Retry-After': '4' }));
    const error = await failure(new HttpConnectorClient(undefined, OutboundGuard.allowingAll()).request({ connectorId: 'c', operation: 'findContact', method: 'GET', url: server.url }));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 4, status: 429, connectorId: 'c', operation: 'findContact' });
  });

  it('turns a 2xx body that is not JSON into UNKNOWN', async () => {
    server.answer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>login</html>'));
    const error = await failure(new HttpConnectorClient(undefined, OutboundGuard.allowingAll()).request({ connectorId: 'c', operation: 'getUserList', method: 'GET', url: server.url }));
    expect(error.code).toBe('UNKNOWN');
    expect(error.message).not.toContain('login');
  });

  it('times out a CRM that does not answer, as TEMPORARY', async () => {
    server.answer(() => undefined); // never answers
    const client = new HttpConnectorClient({ defaultTimeoutMs: 50 }, OutboundGuard.allowingAll());
    const error = await failure(client.request({ connectorId: 'c', operation: 'findContact', method: 'GET', url: server.url }));
    expect(error.code).toBe('TEMPORARY');
    expect(error.message).toContain('did not answer in time');
  });

  it('stops when the caller aborts, as TEMPORARY', async () => {
    server.answer(() => undefined);
    const controller = new AbortController();
    const pending = new HttpConnectorClient(undefined, OutboundGuard.allowingAll()).request({ connectorId: 'c', operation: 'findContact', method: 'GET', url: server.url, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const error = await failure(pending);
    expect(error.code).toBe('TEMPORARY');
    expect(error.message).toContain('aborted');
  });

  it('reports a refused connection as TEMPORARY', async () => {
    const closed = await startServer();
    await closed.close();
    const error = await failure(new HttpConnectorClient(undefined, OutboundGuard.allowingAll()).request({ connectorId: 'c', operation: 'findContact', method: 'GET', url: closed.url }));
    expect(error.code).toBe('TEMPORARY');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('ignores a metrics hook that throws', async () => {
    server.answer(json(200, { ok: true }));
    const client = new HttpConnectorClient({
      onRequest: () => {
        throw new Error('metrics down');
      },
    }, OutboundGuard.allowingAll());
    await expect(client.request({ connectorId: 'c', operation: 'op', method: 'GET', url: server.url })).resolves.toMatchObject({ body: { ok: true } });
  });

  it('refuses loopback in every spelling without a request reaching the server, unless the operator allows it', async () => {
    const port = new URL(server.url).port;
    const strict = new HttpConnectorClient(undefined, new OutboundGuard({ allowPrivate: false, allowHosts: [] }));
    for (const host of ['127.0.0.1', '127.1', '0x7f000001', '2130706433', 'localhost', '[::ffff:127.0.0.1]', '0.0.0.0']) {
      const error = await failure(strict.request({ connectorId: 'c', operation: 'findContact', method: 'GET', url: `http://${host}:${port}/x` }));
      expect([host, error.code]).toEqual([host, 'VALIDATION']);
      expect(error.message).toMatch(/outbound requests may not reach/);
    }
    expect(server.seen).toHaveLength(0);
    server.answer(json(200, { ok: true }));
    const allowed = new HttpConnectorClient(undefined, new OutboundGuard({ allowPrivate: false, allowHosts: ['127.0.0.0/8'] }));
    await expect(allowed.request({ connectorId: 'c', operation: 'op', method: 'GET', url: server.url })).resolves.toMatchObject({ body: { ok: true } });
  });

  it('refuses a header value HTTP cannot carry with its name, before sending', async () => {
    const error = await failure(new HttpConnectorClient(undefined, OutboundGuard.allowingAll()).request({ connectorId: 'c', operation: 'op', method: 'GET', url: server.url, headers: { 'X-Key': 'a\r\nInjected: 1' } }));
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toContain('X-Key');
    expect(server.seen).toHaveLength(0);
  });

  it('stops reading an answer larger than the cap', async () => {
    server.answer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      for (let i = 0; i < 6; i += 1) res.write(chunk);
      res.end('{}');
    });
    const error = await failure(new HttpConnectorClient(undefined, OutboundGuard.allowingAll()).request({ connectorId: 'c', operation: 'op', method: 'GET', url: server.url }));
    expect(error.message).toContain('more than');
  });
});
