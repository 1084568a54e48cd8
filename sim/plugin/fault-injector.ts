import type { RequestHandler } from 'express';
import type { PluginContract } from './plugin-contract';
import { type BadResponseKind, type PluginKnobs, type PluginRoute, patchKnobs } from './plugin-options';
import { entryOf } from './request-log';

const FAILURE_TEXT = 'Plugin request failed (simulated)';

/** Holds the knobs and applies the transport-level ones: latency, requests never answered, random failures. */
export class FaultInjector {
  private knobs: PluginKnobs;
  private state: number;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly initial: PluginKnobs,
    private readonly seed: number,
    private readonly contract: PluginContract,
  ) {
    this.knobs = structuredClone(initial);
    this.state = seed;
  }

  current(): PluginKnobs {
    return structuredClone(this.knobs);
  }

  /** One knob, without copying them all (read on every request). */
  get<K extends keyof PluginKnobs>(key: K): PluginKnobs[K] {
    return this.knobs[key];
  }

  set(patch: Partial<PluginKnobs>): void {
    this.knobs = patchKnobs(this.knobs, patch);
  }

  reset(): void {
    this.knobs = structuredClone(this.initial);
    this.state = this.seed;
  }

  /** The bad-response kind to answer this route with, if that knob is on for it. */
  badResponseFor(route: PluginRoute): BadResponseKind | null {
    return this.knobs.faultRoutes.includes(route) ? this.knobs.badResponse : null;
  }

  /** Order: latency, then hold forever, then fail; authentication and the handler come after. */
  middleware(route: PluginRoute): RequestHandler {
    return (_req, res, next) => {
      if (!this.knobs.faultRoutes.includes(route)) return next();
      const proceed = (): void => {
        if (this.knobs.timeoutForever) return; // never answered; close() drops the connection
        if (this.knobs.failRate > 0 && this.random() < this.knobs.failRate) {
          const entry = entryOf(res);
          entry.injected = 'fail';
          this.sendFailure(res, entry.operationId, this.knobs.failStatus);
          return;
        }
        next();
      };
      if (this.knobs.latencyMs <= 0) return proceed();
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        proceed();
      }, this.knobs.latencyMs);
      this.timers.add(timer);
    };
  }

  /** Stops pending latency timers (their connections are being closed). */
  close(): void {
    this.timers.forEach((timer) => clearTimeout(timer));
    this.timers.clear();
  }

  /** Answers in the media type the contract declares for the status, so a failure is a valid failure. */
  private sendFailure(res: Parameters<RequestHandler>[1], operationId: string | undefined, status: number): void {
    const mediaType = operationId ? this.contract.declaredMediaType(operationId, status) : undefined;
    if (mediaType === null) {
      res.status(status).end();
    } else if (mediaType === 'application/json') {
      // The only JSON error the contract declares is the async rejection {accepted:false, message}.
      res.status(status).json({ accepted: false, message: FAILURE_TEXT });
    } else {
      res.status(status).type('text/plain').send(FAILURE_TEXT);
    }
  }

  /** mulberry32: small, seedable, good enough for fault rates. */
  private random(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
