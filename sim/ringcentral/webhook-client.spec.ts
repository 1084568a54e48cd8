import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { postNotification } from './webhook-client';
import type { NotificationEnvelope } from './sim-types';

/** The simulator's notification sender as a client on keep-alive connections. */
describe('RingCentral sim: webhook client', () => {
  let server: Server;
  let url: string;
  /** For each connection the receiver saw: whether the sender closed it (its FIN arrived) before the receiver did. */
  const closedBySender: boolean[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'Content-Length': '0' }).end());
    });
    // The receiver announces `Keep-Alive: timeout=2` and closes idle connections after 2 s.
    server.keepAliveTimeout = 2_000;
    server.on('connection', (socket: Socket) => {
      let senderEnded = false;
      socket.on('end', () => (senderEnded = true));
      socket.on('close', () => closedBySender.push(senderEnded));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('closes an idle connection before the receiver’s Keep-Alive timeout, so it never sends on one being closed', async () => {
    const envelope = { uuid: '1', event: '/restapi/v1.0/account/~/telephony/sessions', subscriptionId: 's', body: {} } as unknown as NotificationEnvelope;
    expect(await postNotification(url, envelope, undefined, 5_000)).toEqual({ ok: true, status: 200 });
    // The hint says 2 s; the sender lets go 1 s earlier. Wait past the receiver's own timeout either way.
    const deadline = Date.now() + 5_000;
    while (!closedBySender.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(closedBySender).toEqual([true]);
  });
});
