import type { LogFn, Logger } from 'pino';

/**
 * Keeps log lines an operator can store: bounded in size whatever is logged, error objects reduced to what explains
 * them (never the request body or a database client hanging off them), and phone numbers masked to their last four
 * digits on lines at `info` and above (full numbers only on `debug` and `trace` lines).
 */
export const LOG_LIMITS = {
  /** Characters kept of any one string (stacks and messages included). */
  maxString: 2_000,
  /** Items kept of an array, keys of an object. */
  maxItems: 20,
  maxKeys: 40,
  maxDepth: 5,
  /** Values written for one line, all levels counted. */
  maxNodes: 400,
} as const;

const INFO = 30;
// E.164 with its plus sign, raw or URL-encoded (%2B): what RingCentral and the CRMs carry.
const E164 = /(\+|%2[Bb])(\d{3,11})(\d{4})(?!\d)/g;
// Keys whose value is a phone number in whatever format (national, with spaces or dashes).
const PHONE_KEY = /phone|number$|^(from|to|caller|callee)$/i;
// Nest's own start-up chatter: one line per module and per route. Below info so `npm start` shows what matters.
const NEST_STARTUP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

/** `+16505550101` → `+*******0101` (the last four digits kept, as on a phone bill). */
export function maskPhones(text: string): string {
  return text.replace(E164, (_m, plus: string, hidden: string, last: string) => `${plus}${'*'.repeat(hidden.length)}${last}`);
}

function maskPhoneValue(text: string): string {
  const digits = text.replace(/\D/g, '');
  if (digits.length < 7) return text;
  let keep = 4;
  // Walk from the end: keep the last four digits, star the others, leave punctuation as it is.
  return [...text]
    .reverse()
    .map((c) => (/\d/.test(c) ? (keep-- > 0 ? c : '*') : c))
    .reverse()
    .join('');
}

function truncate(text: string): string {
  return text.length > LOG_LIMITS.maxString ? `${text.slice(0, LOG_LIMITS.maxString)}…[${text.length - LOG_LIMITS.maxString} more characters]` : text;
}

/** An error as a log can keep it: type, message, code, status and stack, plus its cause (one level). */
export function serializeError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) {
    // Already reduced by sanitizingLogMethod (pino applies serializers after the hook).
    return error !== null && typeof error === 'object' ? (error as Record<string, unknown>) : { message: String(error) };
  }
  const out: Record<string, unknown> = { type: error.name || error.constructor?.name, name: error.name, message: error.message };
  for (const key of ['code', 'status', 'statusCode', 'field', 'operation', 'connectorId', 'routine', 'severity']) {
    const value = (error as unknown as Record<string, unknown>)[key];
    if (typeof value === 'string' || typeof value === 'number') out[key] = value;
  }
  if (error.stack) out.stack = error.stack;
  if (error.cause !== undefined && depth < 1) out.cause = serializeError(error.cause, depth + 1);
  return out;
}

/** A bounded, masked copy of `value` for one log line. `budget` counts values written across the whole line. */
export function sanitize(value: unknown, mask: boolean, budget = { left: LOG_LIMITS.maxNodes }, depth = 0, key = ''): unknown {
  budget.left -= 1;
  if (budget.left < 0) return '[…]';
  if (typeof value === 'string') {
    const masked = mask ? (PHONE_KEY.test(key) ? maskPhoneValue(maskPhones(value)) : maskPhones(value)) : value;
    return truncate(masked);
  }
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    // Without a prototype: pino-http's wrapper runs pino's own err serializer first, which would read the type from
    // the constructor (Object) instead of the error's name.
    return Object.assign(Object.create(null) as object, sanitize(serializeError(value), mask, budget, depth, key));
  }
  if (value instanceof Date) return value;
  if (depth >= LOG_LIMITS.maxDepth) return Array.isArray(value) ? `[array of ${value.length}]` : '[object]';
  if (Array.isArray(value)) {
    const items = value.slice(0, LOG_LIMITS.maxItems).map((item) => sanitize(item, mask, budget, depth + 1, key));
    if (value.length > LOG_LIMITS.maxItems) items.push(`[${value.length - LOG_LIMITS.maxItems} more items]`);
    return items;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return `[${(value as object).constructor?.name ?? 'object'}]`;
  const out: Record<string, unknown> = {};
  const keys = Object.keys(value);
  for (const k of keys.slice(0, LOG_LIMITS.maxKeys)) out[k] = sanitize((value as Record<string, unknown>)[k], mask, budget, depth + 1, k);
  if (keys.length > LOG_LIMITS.maxKeys) out['…'] = `${keys.length - LOG_LIMITS.maxKeys} more keys`;
  return out;
}

/**
 * pino `hooks.logMethod`: every line goes through sanitize (top-level `req`/`res`/`responseTime` are left to their
 * serializers). Nest's start-up lines are logged at debug instead of info.
 */
export function sanitizingLogMethod(this: Logger, args: Parameters<LogFn>, method: LogFn, level: number): void {
  const [first, ...rest] = args as unknown[];
  if (level === INFO && first && typeof first === 'object' && NEST_STARTUP_CONTEXTS.has((first as { context?: string }).context ?? '')) {
    if (this.isLevelEnabled('debug')) this.debug(...(args as [object, string]));
    return;
  }
  const mask = level >= INFO;
  const budget = { left: LOG_LIMITS.maxNodes };
  let object: unknown = first;
  if (first instanceof Error) object = { err: sanitize(first, mask, budget) };
  else if (first && typeof first === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(first)) copy[key] = key === 'req' || key === 'res' || key === 'responseTime' ? value : sanitize(value, mask, budget, 1, key);
    object = copy;
  } else if (typeof first === 'string') object = sanitize(first, mask, budget);
  const others = rest.map((item) => (typeof item === 'string' ? sanitize(item, mask, budget) : item));
  method.apply(this, [object, ...others] as Parameters<LogFn>);
}
