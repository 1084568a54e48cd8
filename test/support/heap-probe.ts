import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import type { ServiceProcess } from './spawn-service';

/** Node flags for a service process the test will measure: its inspector on a free loopback port. */
export const INSPECTABLE = ['--inspect=127.0.0.1:0'];

export interface MemoryReading {
  /** V8 heap in use right after a full garbage collection, bytes. */
  heapUsed: number;
  /** Resident set size of the process (VmRSS), bytes. */
  rss: number;
}

/**
 * Reads a spawned service's memory from outside, with nothing added to the service: a full GC and the heap in use
 * through its inspector (Chrome DevTools Protocol: HeapProfiler.collectGarbage, Runtime.getHeapUsage), and its RSS
 * from /proc. The service must have been started with INSPECTABLE.
 */
export async function readMemory(service: ServiceProcess): Promise<MemoryReading> {
  const url = /Debugger listening on (ws:\/\/\S+)/.exec(service.output())?.[1];
  if (!url) throw new Error('the service was not started with its inspector (INSPECTABLE)');
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => socket.once('open', () => resolve()).once('error', reject));
  let id = 0;
  const call = (method: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const mine = ++id;
      const onMessage = (data: WebSocket.RawData) => {
        const message = JSON.parse(String(data)) as { id?: number; result?: Record<string, unknown>; error?: unknown };
        if (message.id !== mine) return;
        socket.off('message', onMessage);
        if (message.error) reject(new Error(`${method}: ${JSON.stringify(message.error)}`));
        else resolve(message.result ?? {});
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ id: mine, method }));
    });
  try {
    // Twice: what the first collection frees (finalizers, weak references) is collected by the second.
    await call('HeapProfiler.collectGarbage');
    await call('HeapProfiler.collectGarbage');
    const { usedSize } = (await call('Runtime.getHeapUsage')) as { usedSize: number };
    const rssKb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${service.child.pid}/status`, 'utf8'))?.[1]);
    return { heapUsed: usedSize, rss: rssKb * 1024 };
  } finally {
    socket.close();
  }
}
