import { BLOCK_RETRY_MAX_MS, blockRetryDelayMs } from './block-retry';

describe('blockRetryDelayMs', () => {
  it('doubles from 2 s per attempt, between half and all of the ceiling', () => {
    expect([1, 2, 3].map((n) => blockRetryDelayMs(n, 8, () => 0))).toEqual([1_000, 2_000, 4_000]);
    expect([1, 2, 3].map((n) => blockRetryDelayMs(n, 8, () => 1))).toEqual([2_000, 4_000, 8_000]);
  });

  it('is capped', () => {
    expect(blockRetryDelayMs(19, 20, () => 1)).toBe(BLOCK_RETRY_MAX_MS);
  });

  it('gives up (null) once the attempts reach the plugin\'s maxAttempts', () => {
    expect(blockRetryDelayMs(2, 3, () => 0.5)).not.toBeNull();
    expect(blockRetryDelayMs(3, 3, () => 0.5)).toBeNull();
    expect(blockRetryDelayMs(1, 1, () => 0.5)).toBeNull();
  });
});
