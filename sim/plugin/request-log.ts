import type { RequestHandler, Response } from 'express';
import { parseMaybeJson } from './parse-maybe-json.util';
import type { PluginContract } from './plugin-contract';
import type { PluginJwtClaims } from './plugin-jwt';

/** A fault knob that shaped an answer; a contract failure of such an answer is expected, not a bug. */
export type InjectedFault = 'fail' | 'bad-response';

export interface RecordedRequest {
  /** 1, 2, ... in arrival order. */
  seq: number;
  at: string;
  method: string;
  path: string;
  /** The contract's operationId; undefined for paths the contract does not declare. */
  operationId?: string;
  /** The Authorization header as received (plugin bearer tokens included: this is a test double). */
  authorization?: string;
  /** Parsed JSON body (undefined when there was none or it was not JSON). */
  body?: unknown;
  /** Claims of the verified bearer token, on protected routes. */
  claims?: PluginJwtClaims;
  /** Undefined until answered; stays undefined for a request held by `timeoutForever`. */
  status?: number;
  /** The answer: parsed JSON, or the text when it is not JSON. */
  response?: unknown;
  injected?: InjectedFault;
  requestErrors: string[];
  responseErrors: string[];
}

export type ValidationDirection = 'request' | 'response' | 'callback-request' | 'callback-response';

export interface ValidationFailure {
  direction: ValidationDirection;
  /** Method and path of the request (for callbacks: POST and the callback URL). */
  method: string;
  path: string;
  operationId?: string;
  status?: number;
  errors: string[];
  injected?: InjectedFault;
}

export interface PluginStats {
  /** Requests received, whatever their outcome. */
  total: number;
  /** e.g. `{"POST /plugin/sync": 3, "POST /token/sync": 1}`. */
  byRoute: Record<string, number>;
  /** Answers by status code; a request held forever has none. */
  byStatus: Record<string, number>;
  validation: {
    requestsChecked: number;
    responsesChecked: number;
    /** Callbacks we sent, and their answers, are checked too. */
    callbacksChecked: number;
    failures: number;
    /** Failures not explained by a fault knob: must be 0 in any test not about faults. */
    unexpectedFailures: number;
  };
}

const ENTRY = 'pluginSimEntry';

/** Records every request and answer, and checks both against the contract. */
export class RequestLog {
  private entries: RecordedRequest[] = [];
  private failures: ValidationFailure[] = [];
  private stats = emptyStats();

  constructor(
    private readonly contract: PluginContract,
    /** Operations this server serves; others declared by the contract (the other mode's endpoint, OAuth) are not. */
    private readonly served: ReadonlySet<string>,
  ) {}

  /** Mount first: counts the request and captures the answer, so even body-parser errors are seen. */
  capture(): RequestHandler {
    return (req, res, next) => {
      const operationId = this.contract.operationFor(req.method, req.path);
      const entry: RecordedRequest = {
        seq: this.stats.total + 1,
        at: new Date().toISOString(),
        method: req.method,
        path: req.path,
        operationId,
        authorization: req.headers.authorization,
        requestErrors: [],
        responseErrors: [],
      };
      this.entries.push(entry);
      this.stats.total++;
      const route = `${req.method} ${req.path}`;
      this.stats.byRoute[route] = (this.stats.byRoute[route] ?? 0) + 1;
      res.locals[ENTRY] = entry;
      if (!operationId || !this.served.has(operationId)) {
        const why = operationId ? `${operationId} is not served by this plugin (wrong endpoint for its mode?)` : 'path not declared by the contract';
        this.fail(entry, 'request', [why]);
      }
      const chunks = captureBody(res);
      res.on('finish', () => this.answered(entry, res, Buffer.concat(chunks).toString('utf8')));
      next();
    };
  }

  /** Mount after the JSON body parser: records the body and checks the request. */
  checkRequest(): RequestHandler {
    return (req, res, next) => {
      const entry = entryOf(res);
      entry.body = req.body;
      if (entry.operationId && this.served.has(entry.operationId) && this.contract.validating) {
        this.stats.validation.requestsChecked++;
        const errors = this.contract.checkRequest(entry.operationId, { method: req.method, path: req.path, headers: req.headers, query: req.query, body: req.body });
        if (errors.length) this.fail(entry, 'request', errors);
      }
      next();
    };
  }

  recordCallbackCheck(direction: 'callback-request' | 'callback-response', url: string, errors: string[], status?: number): void {
    if (!this.contract.validating) return;
    this.stats.validation.callbacksChecked++;
    if (errors.length) this.addFailure({ direction, method: 'POST', path: url, status, errors });
  }

  requests(): RecordedRequest[] {
    return structuredClone(this.entries);
  }

  validationFailures(): ValidationFailure[] {
    return structuredClone(this.failures);
  }

  snapshot(): PluginStats {
    return structuredClone(this.stats);
  }

  reset(): void {
    this.entries = [];
    this.failures = [];
    this.stats = emptyStats();
  }

  private answered(entry: RecordedRequest, res: Response, body: string): void {
    entry.status = res.statusCode;
    entry.response = parseMaybeJson(body);
    this.stats.byStatus[String(res.statusCode)] = (this.stats.byStatus[String(res.statusCode)] ?? 0) + 1;
    if (!entry.operationId || !this.served.has(entry.operationId) || !this.contract.validating) return;
    this.stats.validation.responsesChecked++;
    let errors: string[];
    try {
      errors = this.contract.checkResponse(entry.operationId, { status: res.statusCode, headers: res.getHeaders(), body, requestBody: entry.body });
    } catch (err) {
      // Runs in a 'finish' listener: a throw here would crash the process, so the check's own failure is recorded.
      errors = [`could not check the response: ${err instanceof Error ? err.message : String(err)}`];
    }
    if (errors.length) this.fail(entry, 'response', errors);
  }

  private fail(entry: RecordedRequest, direction: 'request' | 'response', errors: string[]): void {
    (direction === 'request' ? entry.requestErrors : entry.responseErrors).push(...errors);
    this.addFailure({
      direction,
      method: entry.method,
      path: entry.path,
      operationId: entry.operationId,
      ...(direction === 'response' ? { status: entry.status, injected: entry.injected } : {}),
      errors,
    });
  }

  private addFailure(failure: ValidationFailure): void {
    this.failures.push(failure);
    this.stats.validation.failures++;
    if (!failure.injected) this.stats.validation.unexpectedFailures++;
  }
}

/** The record of the request being handled (set by RequestLog.capture). */
export function entryOf(res: Response): RecordedRequest {
  return res.locals[ENTRY] as RecordedRequest;
}

function emptyStats(): PluginStats {
  return {
    total: 0,
    byRoute: {},
    byStatus: {},
    validation: { requestsChecked: 0, responsesChecked: 0, callbacksChecked: 0, failures: 0, unexpectedFailures: 0 },
  };
}

/** Tees everything written to the response into the returned array. */
function captureBody(res: Response): Buffer[] {
  const chunks: Buffer[] = [];
  const keep = (chunk: unknown, encoding: unknown): void => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.from(chunk as Uint8Array));
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.write = ((...args: unknown[]) => {
    keep(args[0], args[1]);
    return write(...args);
  }) as Response['write'];
  res.end = ((...args: unknown[]) => {
    keep(args[0], args[1]);
    return end(...args);
  }) as Response['end'];
  return chunks;
}
