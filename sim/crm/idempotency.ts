import type { Request } from 'express';
import { CrmHttpError } from './crm-http.error';
import type { CrmStore } from './crm.store';

export interface IdempotentRequest {
  /** Id of the record an earlier request with the same key and body created; answer with it, create nothing. */
  replayOf?: string;
  /** Bind the key to the record just created. */
  commit(resourceId: string): void;
}

/**
 * `Idempotency-Key` handling, Stripe-style: the first successful create binds the key to its record; a retry with
 * the same key and the same body gets that record back (200) even when the first response never reached the
 * client; the same key with a different body is a client bug (422). Failed requests bind nothing, so a retry after
 * a 400 or 503 is a fresh attempt. Keys are global to the CRM (one tenant) and never expire (tests are short).
 */
export function idempotent(store: CrmStore, req: Request, scope: string): IdempotentRequest {
  const key = req.get('Idempotency-Key');
  if (!key) return { commit: () => undefined };
  const fingerprint = `${scope} ${stableJson(req.body)}`;
  const prior = store.recallIdempotent(key);
  if (prior && prior.fingerprint !== fingerprint) {
    throw new CrmHttpError(422, 'idempotency_key_reused', {
      field: 'Idempotency-Key',
      message: 'this Idempotency-Key was used with a different request body',
    });
  }
  return {
    replayOf: prior?.resourceId,
    commit: (resourceId) => store.rememberIdempotent(key, { fingerprint, resourceId }),
  };
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` are the same request. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
