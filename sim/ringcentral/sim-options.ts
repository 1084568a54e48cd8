/** Options of the RingCentral simulator and the knobs that can change while it runs. */

export type RateLimitGroup = 'light' | 'medium' | 'heavy' | 'auth';

export interface RateLimitRule {
  /** Requests allowed per window. */
  limit: number;
  windowSeconds: number;
  /** How long a throttled (account, user, group) stays blocked; any request meanwhile restarts it. */
  penaltySeconds: number;
}

/** Source of "now"; tests inject a manual clock to step through token expiry and penalty windows. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Everything here may be changed at runtime with `setKnobs` / `PATCH /sim/knobs`. */
export interface SimKnobs {
  /** Probability (0..1) that a notification is delivered a second time with the same uuid. */
  duplicateRate: number;
  /** Deliver each session's notifications in a random order instead of sequence order. */
  shuffle: boolean;
  /** Extra real delay before each delivery, on top of the scenario pace. */
  deliveryDelayMs: number;
  /** Probability (0..1) that a notification is never delivered. */
  dropRate: number;
  /** Probability (0..1) that none of a call's notifications is delivered (the call is only in the call log). */
  dropCallRate: number;
  /** Consecutive failed deliveries after which a subscription becomes Blacklisted. */
  webhookFailureThreshold: number;
  /** How long a webhook receiver may take (deliveries and the validation handshake). */
  webhookTimeoutMs: number;
  /** How long after a call ends its call-log record becomes visible. */
  callLogDelayMs: number;
  /** When true, a record is visible as "In Progress" (no duration) from call start until it is final. */
  callLogInProgress: boolean;
  /** How long after the record becomes visible its `recording` appears. */
  recordingDelayMs: number;
  /** Seconds the record's duration exceeds what the events show (RingCentral counts routing and teardown too). */
  recordDurationExtraSeconds: number;
  /**
   * When > 0, a record changes once after first appearing: it shows only its first leg (and an earlier
   * `lastModifiedTime`) until this long after it became visible, then every leg.
   */
  callLogChangeDelayMs: number;
  /** Probability (0..1) that a platform API request fails with `apiErrorStatus`. */
  apiErrorRate: number;
  apiErrorStatus: number;
  /** WebSocket gateway: notifications kept for a dropped session (the real gateway keeps 100; older ones are lost). */
  wsRecoveryBufferSize: number;
  /** WebSocket gateway: how long a dropped session can be recovered with its `wsc` token (real: 180 s). */
  wsRecoveryTimeoutSeconds: number;
  rateLimits: Record<RateLimitGroup, RateLimitRule>;
}

export interface RingCentralSimOptions extends SimKnobs {
  port: number;
  host: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated app permissions put in the token `scope`; accounts may override. */
  scopes: string[];
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** How long a used refresh token may be presented again and get the same new tokens (0 = strictly single-use). */
  refreshGraceSeconds: number;
  /** Simultaneous sessions per (extension, app); the next login ends the oldest. */
  maxSessionsPerUser: number;
  /** Subscriptions per (extension, app); beyond it creation fails with SUB-505. */
  maxSubscriptionsPerUser: number;
  /** Seed of the random generator (ids, timelines, delivery perturbations). */
  seed: number;
  /** Default real delay between two notifications of a played call. */
  defaultPaceMs: number;
  /** Lifetime of a `/restapi/oauth/wstoken` token; @rc-ex/ws reuses it for reconnections until 80 % of it. */
  wsTokenTtlSeconds: number;
  /** How often the gateway pings sockets; one that has not answered the previous ping is cut. */
  wsPingIntervalMs: number;
  clock: Clock;
}

const generous: RateLimitRule = { limit: 100000, windowSeconds: 60, penaltySeconds: 60 };

export const DEFAULT_CLIENT_ID = 'sim-client-id';
export const DEFAULT_CLIENT_SECRET = 'sim-client-secret';

export const DEFAULT_SCOPES = [
  'CallControl',
  'ReadAccounts',
  'ReadCallLog',
  'ReadCallRecording',
  'SubscriptionWebhook',
  'WebSocketsSubscription',
];

export function defaultOptions(): RingCentralSimOptions {
  return {
    port: 0,
    host: '127.0.0.1',
    clientId: DEFAULT_CLIENT_ID,
    clientSecret: DEFAULT_CLIENT_SECRET,
    scopes: [...DEFAULT_SCOPES],
    accessTokenTtlSeconds: 3600,
    refreshTokenTtlSeconds: 604800,
    refreshGraceSeconds: 0,
    maxSessionsPerUser: 5,
    maxSubscriptionsPerUser: 20,
    seed: Math.floor(Math.random() * 2 ** 31),
    defaultPaceMs: 5,
    wsTokenTtlSeconds: 600,
    wsPingIntervalMs: 30_000,
    clock: systemClock,
    duplicateRate: 0,
    shuffle: false,
    deliveryDelayMs: 0,
    dropRate: 0,
    dropCallRate: 0,
    webhookFailureThreshold: 5,
    webhookTimeoutMs: 3000,
    callLogDelayMs: 0,
    callLogInProgress: false,
    recordingDelayMs: 0,
    recordDurationExtraSeconds: 0,
    callLogChangeDelayMs: 0,
    apiErrorRate: 0,
    apiErrorStatus: 503,
    wsRecoveryBufferSize: 100,
    wsRecoveryTimeoutSeconds: 180,
    rateLimits: { light: { ...generous }, medium: { ...generous }, heavy: { ...generous }, auth: { ...generous } },
  };
}

export type SimKnobsPatch = Partial<Omit<SimKnobs, 'rateLimits'>> & {
  rateLimits?: Partial<Record<RateLimitGroup, Partial<RateLimitRule>>>;
};

export type RingCentralSimOptionsInput = Partial<Omit<RingCentralSimOptions, 'rateLimits'>> & {
  rateLimits?: Partial<Record<RateLimitGroup, Partial<RateLimitRule>>>;
};

/** Applies a patch to knobs in place, merging rate-limit rules group by group. */
export function applyKnobs(target: SimKnobs, patch: SimKnobsPatch): void {
  const { rateLimits, ...rest } = patch;
  for (const [key, value] of Object.entries(rest)) {
    if (value !== undefined) (target as unknown as Record<string, unknown>)[key] = value;
  }
  if (rateLimits) {
    for (const group of Object.keys(rateLimits) as RateLimitGroup[]) {
      target.rateLimits[group] = { ...target.rateLimits[group], ...rateLimits[group] };
    }
  }
}

export function resolveOptions(input: RingCentralSimOptionsInput = {}): RingCentralSimOptions {
  const options = defaultOptions();
  const { rateLimits, ...rest } = input;
  for (const [key, value] of Object.entries(rest)) {
    if (value !== undefined) (options as unknown as Record<string, unknown>)[key] = value;
  }
  applyKnobs(options, { rateLimits });
  return options;
}

export function knobsOf(options: RingCentralSimOptions): SimKnobs {
  const {
    duplicateRate, shuffle, deliveryDelayMs, dropRate, dropCallRate, webhookFailureThreshold, webhookTimeoutMs,
    callLogDelayMs, callLogInProgress, recordingDelayMs, recordDurationExtraSeconds, callLogChangeDelayMs, apiErrorRate, apiErrorStatus,
    wsRecoveryBufferSize, wsRecoveryTimeoutSeconds, rateLimits,
  } = options;
  return {
    duplicateRate, shuffle, deliveryDelayMs, dropRate, dropCallRate, webhookFailureThreshold, webhookTimeoutMs,
    callLogDelayMs, callLogInProgress, recordingDelayMs, recordDurationExtraSeconds, callLogChangeDelayMs, apiErrorRate, apiErrorStatus,
    wsRecoveryBufferSize, wsRecoveryTimeoutSeconds,
    rateLimits: structuredClone(rateLimits),
  };
}
