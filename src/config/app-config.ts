import { parseAllowHosts } from '../common/net/outbound-guard';
import type { Env, Role } from './env.schema';

/** Typed configuration namespaces (read with `ConfigService<AppConfig, true>`). */
export interface AppConfig {
  app: {
    port: number;
    role: Role;
    publicBaseUrl: string;
    logLevel: string;
    housekeepingIntervalSeconds: number;
    subscriptionCheckIntervalSeconds: number;
    /** How long a session must be silent before legs waiting on missing notifications are decided. */
    sessionQuietMs: number;
    /** A job running longer (or held by a process that died) is taken as lost and retried. */
    jobTimeoutSeconds: number;
    /** Calls of one account logged at once by one process (each holds one CRM conversation). */
    crmConcurrencyPerAccount: number;
    /** Period of the call-log sync, one paged read of the account call log per enabled account. */
    callLogSyncIntervalSeconds: number;
    /** After downtime, the sync reads at most this far back; older calls are left out and the admin is told. */
    callLogBackfillMaxHours: number;
    /** How long after a call ends its final record (and recording) is waited for, before going on without. */
    callLogRecordWaitSeconds: number;
    /** Raw notifications, folded party state and timelines older than this are purged by housekeeping. */
    retentionDays: number;
  };
  /** Where requests made for an admin (CRM, bridge, plugins) may go; see OutboundGuard. */
  outbound: { allowPrivate: boolean; allowHosts: string[] };
  database: { url: string; embedded: boolean; dataDir: string };
  ringcentral: {
    server: string;
    clientId: string;
    clientSecret: string;
    /** How notifications arrive: WebHook POSTs to PUBLIC_BASE_URL, or a WebSocket connection the service opens. */
    transport: 'webhook' | 'websocket';
    /** WebSocket transport: how long an account's connection lease lasts unless its holder renews it. */
    websocketLeaseMs: number;
  };
  security: { encryptionKey: string; hashKey: string };
}

export interface ResolvedRuntime {
  databaseUrl: string;
  embedded: boolean;
  encryptionKey: string;
  hashKey: string;
}

export function buildAppConfig(env: Env, runtime: ResolvedRuntime): AppConfig {
  return {
    app: {
      port: env.PORT,
      role: env.ROLE,
      publicBaseUrl: (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
      logLevel: env.LOG_LEVEL,
      housekeepingIntervalSeconds: env.HOUSEKEEPING_INTERVAL_SECONDS,
      subscriptionCheckIntervalSeconds: env.SUBSCRIPTION_CHECK_INTERVAL_SECONDS,
      sessionQuietMs: Math.round(env.SESSION_QUIET_SECONDS * 1000),
      jobTimeoutSeconds: env.JOB_TIMEOUT_SECONDS,
      crmConcurrencyPerAccount: env.CRM_CONCURRENCY_PER_ACCOUNT,
      callLogSyncIntervalSeconds: env.CALL_LOG_SYNC_INTERVAL_SECONDS,
      callLogBackfillMaxHours: env.CALL_LOG_BACKFILL_MAX_HOURS,
      callLogRecordWaitSeconds: env.CALL_LOG_RECORD_WAIT_SECONDS,
      retentionDays: env.RETENTION_DAYS,
    },
    outbound: { allowPrivate: env.OUTBOUND_ALLOW_PRIVATE, allowHosts: parseAllowHosts(env.OUTBOUND_ALLOW_HOSTS) },
    database: { url: runtime.databaseUrl, embedded: runtime.embedded, dataDir: env.DATA_DIR },
    ringcentral: {
      server: env.RINGCENTRAL_SERVER.replace(/\/+$/, ''),
      clientId: env.RINGCENTRAL_CLIENT_ID ?? '',
      clientSecret: env.RINGCENTRAL_CLIENT_SECRET ?? '',
      transport: env.RINGCENTRAL_TRANSPORT,
      websocketLeaseMs: env.RINGCENTRAL_WEBSOCKET_LEASE_SECONDS * 1000,
    },
    security: { encryptionKey: runtime.encryptionKey, hashKey: runtime.hashKey },
  };
}

export const runsHttpApi = (role: Role): boolean => role === 'api' || role === 'all';
export const runsWorkers = (role: Role): boolean => role === 'worker' || role === 'all';
