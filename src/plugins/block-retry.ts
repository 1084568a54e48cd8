/** First delay after a blocking plugin failed; doubles per attempt of the call. */
export const BLOCK_RETRY_BASE_MS = 2_000;
export const BLOCK_RETRY_MAX_MS = 10 * 60_000;

/**
 * When a call whose `block` plugin failed is tried again: null when `attempt` (1-based, the call's attempts so far)
 * has reached the plugin's maxAttempts, otherwise after min(cap, base * 2^(attempt-1)), with "equal jitter" (half
 * fixed, half random) so calls held by one plugin outage do not all come back at the same instant.
 */
export function blockRetryDelayMs(attempt: number, maxAttempts: number, random: () => number = Math.random): number | null {
  const n = Math.max(1, Math.floor(attempt));
  if (n >= maxAttempts) return null;
  const ceiling = Math.min(BLOCK_RETRY_MAX_MS, BLOCK_RETRY_BASE_MS * 2 ** Math.min(n - 1, 30));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(ceiling / 2 + (r * ceiling) / 2);
}
