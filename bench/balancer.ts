import { createServer, type Server, type Socket, connect } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A minimal TCP round-robin balancer (what a load balancer in front of replicas does): each new connection goes to
 * the next backend port. The RingCentral simulator delivers webhooks to it, so one or two service processes can
 * receive them without re-creating the subscription. Every phase goes through it, so its cost is the same in the
 * one-process and two-process runs.
 */
export interface Balancer {
  url: string;
  /** Connections handed to each backend port so far. */
  connections: Map<number, number>;
  /** Client connections open right now, and the most open at once since the last resetPeak(). */
  open(): number;
  peakOpen(): number;
  resetPeak(): void;
  /** New connections go to these ports; open connections are closed so keep-alive clients re-balance. */
  setBackends(ports: number[]): void;
  close(): Promise<void>;
}

export async function startBalancer(): Promise<Balancer> {
  let backends: number[] = [];
  let next = 0;
  const sockets = new Set<Socket>();
  const connections = new Map<number, number>();
  let open = 0;
  let peak = 0;
  const server: Server = createServer((client) => {
    if (!backends.length) return client.destroy();
    open++;
    peak = Math.max(peak, open);
    client.once('close', () => open--);
    const port = backends[next++ % backends.length]!;
    connections.set(port, (connections.get(port) ?? 0) + 1);
    const upstream = connect({ port, host: '127.0.0.1', noDelay: true });
    client.setNoDelay(true);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections,
    open: () => open,
    peakOpen: () => peak,
    resetPeak: () => {
      peak = open;
    },
    setBackends(ports) {
      backends = [...ports];
      next = 0;
      for (const s of sockets) s.destroy();
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
