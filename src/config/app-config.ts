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
    /** Raw notifications, folded party state and timelines older than this are purged by housekeeping. */
    retentionDays: number;
  };
  /** Where requests made for an admin (CRM, bridge, plugins) may go; see OutboundGuard. */
  outbound: { allowPrivate: boolean; allowHosts: string[] };
  database: { url: string; embedded: boolean; dataDir: string };
  ringcentral: { server: string; clientId: string; clientSecret: string };
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
      retentionDays: env.RETENTION_DAYS,
    },
    outbound: { allowPrivate: env.OUTBOUND_ALLOW_PRIVATE, allowHosts: parseAllowHosts(env.OUTBOUND_ALLOW_HOSTS) },
    database: { url: runtime.databaseUrl, embedded: runtime.embedded, dataDir: env.DATA_DIR },
    ringcentral: {
      server: env.RINGCENTRAL_SERVER.replace(/\/+$/, ''),
      clientId: env.RINGCENTRAL_CLIENT_ID ?? '',
      clientSecret: env.RINGCENTRAL_CLIENT_SECRET ?? '',
    },
    security: { encryptionKey: runtime.encryptionKey, hashKey: runtime.hashKey },
  };
}

export const runsHttpApi = (role: Role): boolean => role === 'api' || role === 'all';
export const runsWorkers = (role: Role): boolean => role === 'worker' || role === 'all';
