import type { RateLimitGroup } from './sim-options';

/** Counters for benchmarks ("RingCentral API requests per logged call") and for tests. */
export interface SimStats {
  requests: {
    /** Platform API requests (`/restapi/...`), control API excluded. */
    total: number;
    byGroup: Record<RateLimitGroup, number>;
    /** Keyed like "GET /restapi/v1.0/account/~/call-log". */
    byRoute: Record<string, number>;
    byAccount: Record<string, number>;
    byStatus: Record<string, number>;
    rateLimited: number;
    injectedErrors: number;
  };
  deliveries: {
    /** POSTs made to webhook receivers (duplicates included). */
    attempted: number;
    succeeded: number;
    failed: number;
    duplicated: number;
    dropped: number;
    /** Not sent because the subscription was blacklisted, expired or deleted by send time. */
    skipped: number;
    validations: number;
    validationsFailed: number;
  };
  calls: { played: number; notifications: number; byScenario: Record<string, number> };
  /** The WebSocket gateway. `openByAccount` is counted live when the stats are read. */
  websockets: {
    /** Sockets accepted (reconnections included) and refused (bad or expired ws token). */
    connections: number;
    refused: number;
    openByAccount: Record<string, number>;
    recovered: number;
    recoveryFailed: number;
    /** ServerNotification frames sent (replays included). */
    notifications: number;
    /** Held while a socket was down; replayed after a recovery; lost because the buffer was full. */
    buffered: number;
    replayed: number;
    overflowed: number;
    /** Sockets cut with the drop control. */
    dropped: number;
  };
}

export function emptyStats(): SimStats {
  return {
    requests: {
      total: 0,
      byGroup: { light: 0, medium: 0, heavy: 0, auth: 0 },
      byRoute: {},
      byAccount: {},
      byStatus: {},
      rateLimited: 0,
      injectedErrors: 0,
    },
    deliveries: { attempted: 0, succeeded: 0, failed: 0, duplicated: 0, dropped: 0, skipped: 0, validations: 0, validationsFailed: 0 },
    calls: { played: 0, notifications: 0, byScenario: {} },
    websockets: { connections: 0, refused: 0, openByAccount: {}, recovered: 0, recoveryFailed: 0, notifications: 0, buffered: 0, replayed: 0, overflowed: 0, dropped: 0 },
  };
}

export function bump(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}
