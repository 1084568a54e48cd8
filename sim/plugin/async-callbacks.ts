import type { PluginContract } from './plugin-contract';
import { parseMaybeJson } from './parse-maybe-json.util';
import type { RequestLog } from './request-log';

/** What the plugin POSTs to App Connect's callbackUrl when its background work ends. */
export interface CallbackBody {
  successful: boolean;
  note: string;
  message: string;
}

export interface SentCallback {
  asyncTaskId: string;
  url: string;
  body: CallbackBody;
  sentAt: string;
  /** The receiver's status; undefined when it never answered (refused, timed out, server closed). */
  status?: number;
  /** The receiver's answer: parsed JSON, or text. */
  response?: unknown;
  error?: string;
  /** Where the answer breaks the contract's AsyncPluginCallbackResponse (e.g. a 200 without `successful`). */
  responseErrors: string[];
}

export interface ScheduledCallback {
  asyncTaskId: string;
  callbackUrl: string;
  body: CallbackBody;
  delayMs: number;
}

/** Sends completion callbacks once, after a delay, like the template's background task; records what came back. */
export class CallbackDispatcher {
  private records: SentCallback[] = [];
  private inFlight = 0;
  private waiters: (() => void)[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly closing = new AbortController();

  constructor(
    private readonly contract: PluginContract,
    private readonly log: RequestLog,
    private readonly timeoutMs = 10_000,
  ) {}

  schedule(task: ScheduledCallback): void {
    this.inFlight++;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.send(task).finally(() => this.done());
    }, task.delayMs);
    this.timers.add(timer);
  }

  sent(): SentCallback[] {
    return structuredClone(this.records);
  }

  /** Resolves once every scheduled callback has been sent and answered (or failed). */
  settled(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  reset(): void {
    this.records = [];
  }

  /** Drops scheduled callbacks and aborts those in flight. */
  close(): void {
    this.timers.forEach((timer) => clearTimeout(timer));
    this.inFlight -= this.timers.size;
    this.timers.clear();
    this.closing.abort();
    if (this.inFlight <= 0) this.release();
  }

  private async send(task: ScheduledCallback): Promise<void> {
    const record: SentCallback = { asyncTaskId: task.asyncTaskId, url: task.callbackUrl, body: task.body, sentAt: new Date().toISOString(), responseErrors: [] };
    this.records.push(record);
    this.log.recordCallbackCheck('callback-request', task.callbackUrl, this.contract.checkCallbackRequest(task.body));
    try {
      const res = await fetch(task.callbackUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(task.body),
        signal: AbortSignal.any([this.closing.signal, AbortSignal.timeout(this.timeoutMs)]),
      });
      const text = await res.text();
      record.status = res.status;
      record.response = parseMaybeJson(text);
      record.responseErrors = this.contract.checkCallbackResponse(res.status, Object.fromEntries(res.headers), text);
      this.log.recordCallbackCheck('callback-response', task.callbackUrl, record.responseErrors, res.status);
    } catch (err) {
      record.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
  }

  private done(): void {
    this.inFlight--;
    if (this.inFlight <= 0) this.release();
  }

  private release(): void {
    this.inFlight = Math.max(0, this.inFlight);
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((resolve) => resolve());
  }
}
