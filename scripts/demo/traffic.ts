import { requestJson } from './http-json';

export interface PlacedCall {
  legs: { telephonySessionId: string; extensionId: string; internal: boolean }[];
  /** When the request that played this call was sent: its notifications cannot have arrived earlier. */
  sentAt: number;
}

export const DEMO_CALLER_NUMBERS = ['+16505550101', '+16505550102', '+16505550103', '+16505550104', '+16505550105', '+442079460958', '+16505550199', '+14155550123'];

/** Places `total` calls at `rate` per second through the simulator's control API, one second's worth at a time. */
export async function placeCalls(simUrl: string, simAccountId: string, total: number, rate: number, onProgress: (placed: number) => void): Promise<PlacedCall[]> {
  const placed: PlacedCall[] = [];
  const perBatch = Math.max(1, Math.round(rate));
  while (placed.length < total) {
    const started = Date.now();
    const count = Math.min(perBatch, total - placed.length);
    const { calls } = await requestJson<{ calls: Omit<PlacedCall, 'sentAt'>[] }>('POST', `${simUrl}/sim/accounts/${simAccountId}/calls`, {
      body: { random: count, options: { rate: Math.max(rate, 1), externalNumbers: DEMO_CALLER_NUMBERS, pace: 2 } },
    });
    placed.push(...calls.map((c) => ({ ...c, sentAt: started })));
    onProgress(placed.length);
    const wait = 1000 * (count / rate) - (Date.now() - started);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  return placed;
}
