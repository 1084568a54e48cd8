/**
 * mulberry32: a tiny deterministic PRNG, so a run with `seed: 7` fails the same requests every time and a flaky
 * benchmark can be replayed. Not for anything secret.
 */
export class SeededRandom {
  private state: number;

  constructor(private readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  reset(): void {
    this.state = this.seed >>> 0;
  }
}
