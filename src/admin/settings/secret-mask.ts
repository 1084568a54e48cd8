/** Config keys whose values are credentials (the app-connect bridge's `jwtToken`, an `apiKey`, a `clientSecret`...). */
export const SECRET_KEY = /token|secret|password|key/i;
export const MASK = '********';

/** A value made only of `{{ placeholders }}` names where a secret comes from; it is not one. */
const ONLY_PLACEHOLDERS = /^\s*(\{\{[^{}]*\}\}\s*)+$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A copy of a connector config for display: every non-empty value under a secret-looking key (at any depth, and
 * everything inside such a key) becomes MASK.
 */
export function maskSecrets(value: unknown, secret = false): unknown {
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, secret));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v, secret || SECRET_KEY.test(k))]));
  if (!secret || value === null || value === '' || typeof value === 'boolean') return value;
  if (typeof value === 'string' && ONLY_PLACEHOLDERS.test(value)) return value;
  return MASK;
}

/**
 * A config sent back as it was shown (masked values untouched) keeps the stored secrets: every MASK in `next` is
 * replaced by the value at the same path in `previous`, when there is one.
 */
export function restoreMaskedSecrets(next: unknown, previous: unknown): unknown {
  if (next === MASK) return previous !== undefined && previous !== MASK ? previous : next;
  if (Array.isArray(next)) return next.map((v, i) => restoreMaskedSecrets(v, Array.isArray(previous) ? previous[i] : undefined));
  if (isObject(next)) return Object.fromEntries(Object.entries(next).map(([k, v]) => [k, restoreMaskedSecrets(v, isObject(previous) ? previous[k] : undefined)]));
  return next;
}
