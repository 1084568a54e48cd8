/**
 * Seedable randomness. Every id, timeline and delivery perturbation comes from here so that a test run with a
 * fixed seed replays the same calls; separate streams keep delivery knobs from shifting scenario ids.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** A new generator whose sequence depends on this one's seed and the label, not on how much this one was used. */
  static derive(seed: number, label: string): Rng {
    let h = seed >>> 0;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
    return new Rng(h);
  }

  /** mulberry32: small, fast, good enough for test data. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return probability > 0 && this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('cannot pick from an empty list');
    return items[Math.floor(this.next() * items.length)];
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  digits(length: number): string {
    let s = String(this.int(1, 9));
    while (s.length < length) s += String(this.int(0, 9));
    return s;
  }

  hex(length: number): string {
    let s = '';
    while (s.length < length) s += this.int(0, 15).toString(16);
    return s;
  }

  alnum(length: number): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let s = '';
    while (s.length < length) s += alphabet[this.int(0, alphabet.length - 1)];
    return s;
  }

  weighted<T extends string>(weights: Partial<Record<T, number>>): T {
    const entries = Object.entries(weights).filter(([, w]) => typeof w === 'number' && w > 0) as [T, number][];
    if (entries.length === 0) throw new Error('no positive weights');
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [key, w] of entries) {
      r -= w;
      if (r < 0) return key;
    }
    return entries[entries.length - 1][0];
  }
}

/** Id formats copied from real payloads (see fixtures/ringcentral). */
export class IdFactory {
  constructor(private readonly rng: Rng) {}

  /** Notification uuid: a decimal string like "4654793329359724763". */
  notificationUuid(): string {
    return this.rng.digits(19);
  }

  /** Current telephonySessionId format, e.g. s-a0d17930c96bdz18b67acb764z37759330000. */
  telephonySessionId(): string {
    return `s-a0d1${this.rng.hex(8)}z${this.rng.hex(11)}z${this.rng.hex(7)}0000`;
  }

  /** Legacy numeric session id. */
  sessionId(): string {
    return this.rng.digits(12);
  }

  callLogId(): string {
    return this.rng.alnum(15);
  }

  recordingId(): string {
    return this.rng.digits(10);
  }

  messageId(): string {
    return this.rng.digits(11);
  }

  deviceId(): string {
    return this.rng.digits(9);
  }

  accountId(): string {
    return this.rng.digits(9);
  }

  extensionId(): string {
    return this.rng.digits(11);
  }

  phoneNumber(areaCode = '650'): string {
    return `+1${areaCode}555${this.rng.digits(4)}`;
  }
}
