import ipaddr from 'ipaddr.js';
import Joi from 'joi';
import { parseAllowHosts } from '../common/net/outbound-guard';

export const ROLES = ['api', 'worker', 'all'] as const;
export type Role = (typeof ROLES)[number];

const base64Key32 = Joi.string()
  .base64()
  .custom((value: string, helpers) =>
    Buffer.from(value, 'base64').length === 32 ? value : helpers.error('any.invalid'),
  )
  .messages({ 'any.invalid': '{{#label}} must be 32 bytes encoded as base64' });

/**
 * The environment the service accepts (ARCHITECTURE.md §4). Unknown variables are ignored: the process
 * environment holds plenty that is not ours.
 */
export const envSchema = Joi.object({
  PORT: Joi.number().port().default(3000),
  ROLE: Joi.string()
    .valid(...ROLES)
    .default('all'),
  DATABASE_URL: Joi.string().uri({ scheme: ['postgres', 'postgresql'] }),
  DATA_DIR: Joi.string().default('./.data'),
  PUBLIC_BASE_URL: Joi.string().uri({ scheme: ['http', 'https'] }),
  RINGCENTRAL_SERVER: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .default('https://platform.ringcentral.com'),
  RINGCENTRAL_CLIENT_ID: Joi.string().allow(''),
  RINGCENTRAL_CLIENT_SECRET: Joi.string().allow(''),
  RINGCENTRAL_TRANSPORT: Joi.string().valid('webhook', 'websocket').default('webhook'),
  RINGCENTRAL_WEBSOCKET_LEASE_SECONDS: Joi.number().integer().min(3).max(300).default(30),
  ENCRYPTION_KEY: base64Key32,
  HASH_KEY: Joi.string().min(16),
  LOG_LEVEL: Joi.string().valid('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent').default('info'),
  HOUSEKEEPING_INTERVAL_SECONDS: Joi.number().integer().min(1).max(86400).default(60),
  SUBSCRIPTION_CHECK_INTERVAL_SECONDS: Joi.number().integer().min(5).max(86400).default(300),
  SESSION_QUIET_SECONDS: Joi.number().min(0.1).max(600).default(5),
  JOB_TIMEOUT_SECONDS: Joi.number().integer().min(2).max(3600).default(120),
  CRM_CONCURRENCY_PER_ACCOUNT: Joi.number().integer().min(1).max(256).default(16),
  CALL_LOG_SYNC_INTERVAL_SECONDS: Joi.number().integer().min(1).max(3600).default(60),
  CALL_LOG_BACKFILL_MAX_HOURS: Joi.number().integer().min(1).max(720).default(24),
  CALL_LOG_RECORD_WAIT_SECONDS: Joi.number().integer().min(1).max(86400).default(900),
  OUTBOUND_ALLOW_PRIVATE: Joi.boolean().truthy('1').falsy('0').default(false),
  OUTBOUND_ALLOW_HOSTS: Joi.string()
    .custom((value: string, helpers) => (parseAllowHosts(value).every(isHostOrCidr) ? value : helpers.error('any.invalid')))
    .messages({ 'any.invalid': '{{#label}} must list host names, IP addresses or CIDR ranges (like 10.0.0.0/8), separated by commas' }),
  RETENTION_DAYS: Joi.number().integer().min(1).max(3650).default(30),
})
  .when(Joi.object({ DATABASE_URL: Joi.exist() }).unknown(), {
    then: Joi.object({
      ENCRYPTION_KEY: Joi.required().messages({
        'any.required': '"ENCRYPTION_KEY" is required when DATABASE_URL is set (it is generated only for the embedded database)',
      }),
      HASH_KEY: Joi.required().messages({
        'any.required': '"HASH_KEY" is required when DATABASE_URL is set (it is generated only for the embedded database)',
      }),
    }),
  })
  .unknown(true);

export interface Env {
  PORT: number;
  ROLE: Role;
  DATABASE_URL?: string;
  DATA_DIR: string;
  PUBLIC_BASE_URL?: string;
  RINGCENTRAL_SERVER: string;
  RINGCENTRAL_CLIENT_ID?: string;
  RINGCENTRAL_CLIENT_SECRET?: string;
  RINGCENTRAL_TRANSPORT: 'webhook' | 'websocket';
  RINGCENTRAL_WEBSOCKET_LEASE_SECONDS: number;
  ENCRYPTION_KEY?: string;
  HASH_KEY?: string;
  LOG_LEVEL: string;
  HOUSEKEEPING_INTERVAL_SECONDS: number;
  SUBSCRIPTION_CHECK_INTERVAL_SECONDS: number;
  SESSION_QUIET_SECONDS: number;
  JOB_TIMEOUT_SECONDS: number;
  CRM_CONCURRENCY_PER_ACCOUNT: number;
  CALL_LOG_SYNC_INTERVAL_SECONDS: number;
  CALL_LOG_BACKFILL_MAX_HOURS: number;
  CALL_LOG_RECORD_WAIT_SECONDS: number;
  OUTBOUND_ALLOW_PRIVATE: boolean;
  OUTBOUND_ALLOW_HOSTS?: string;
  RETENTION_DAYS: number;
}

function isHostOrCidr(entry: string): boolean {
  const bare = entry.replace(/^\[|\]$/g, '');
  if (entry.includes('/')) {
    try {
      ipaddr.parseCIDR(entry);
      return true;
    } catch {
      return false;
    }
  }
  return ipaddr.isValid(bare) || /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(bare);
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

/** Validates the environment; every problem names its variable. Secrets are never echoed back. */
export function validateEnv(raw: Record<string, string | undefined>): Env {
  // A variable set to the empty string is unset (what a compose file's `${DATABASE_URL}` gives when it is not set).
  const given = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ''));
  const { value, error } = envSchema.validate(given, { abortEarly: false, convert: true });
  if (error) {
    throw new ConfigValidationError(error.details.map((d) => d.message.replace(/"/g, '')));
  }
  return value as Env;
}
