import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** One problem openapi-backend (ajv) found, trimmed to what a test failure message needs. */
export interface SchemaError {
  instancePath: string;
  message: string;
  keyword?: string;
  params?: unknown;
}

export interface RequestToValidate {
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

export interface RequestValidation {
  /** Undefined when the spec has no operation for this method and path. */
  operationId?: string;
  errors: SchemaError[];
}

export interface ResponseToValidate {
  operationId: string;
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

// The worker runs plain CommonJS with Node's own `require`. openapi-backend loads an ES-module-only dependency
// (@apidevtools/json-schema-ref-parser) through `require`, which Node 20.19+ allows but Jest's module runtime does
// not; a worker thread is outside Jest's module system, so the real openapi-backend validates in tests and in the
// stand-alone sim alike.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const load = createRequire(workerData.resolveFrom);
const { OpenAPIBackend } = load('openapi-backend');
let addFormats;
try { addFormats = load('ajv-formats'); addFormats = addFormats.default || addFormats; } catch { addFormats = undefined; }

const trim = (errors) => (errors || []).map((e) => ({
  instancePath: e.instancePath || '',
  message: e.message || e.keyword || 'invalid',
  keyword: e.keyword,
  params: e.params,
}));

const api = new OpenAPIBackend({
  definition: workerData.definition,
  // quick: skip openapi-schema-validator's check of the document itself (App Connect's published document has a
  // few schema-level issues, e.g. under AppointmentPatchInput, that do not affect the routes we serve) and
  // dereference synchronously; validators are compiled per operation on first use.
  quick: true,
  strict: true,
  validate: true,
  coerceTypes: true,
  ajvOpts: { strict: false, allErrors: true },
  customizeAjv: (ajv) => { if (addFormats) addFormats(ajv); return ajv; },
});

const ready = api.init();

parentPort.on('message', async (msg) => {
  try {
    await ready;
    if (msg.kind === 'request') {
      const req = { method: msg.req.method, path: msg.req.path, query: msg.req.query, headers: msg.req.headers, body: msg.req.body };
      const operation = api.matchOperation(req);
      if (!operation) { parentPort.postMessage({ id: msg.id, result: { errors: [] } }); return; }
      const result = api.validateRequest(req, operation);
      parentPort.postMessage({ id: msg.id, result: { operationId: operation.operationId, errors: trim(result.errors) } });
      return;
    }
    if (msg.kind === 'response') {
      const body = api.validateResponse(msg.res.body, msg.res.operationId, msg.res.status);
      const headers = api.validateResponseHeaders(msg.res.headers, msg.res.operationId, { statusCode: msg.res.status });
      parentPort.postMessage({ id: msg.id, result: { errors: [...trim(body.errors), ...trim(headers.errors).map((e) => ({ ...e, instancePath: '/headers' + e.instancePath }))] } });
      return;
    }
    if (msg.kind === 'ready') { parentPort.postMessage({ id: msg.id, result: { operations: api.getOperations().length } }); return; }
    throw new Error('unknown message kind ' + msg.kind);
  } catch (error) {
    parentPort.postMessage({ id: msg.id, error: String((error && error.stack) || error) });
  }
});
`;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * Validates requests and responses against an OpenAPI document with openapi-backend (ajv, plus ajv-formats when it
 * can be loaded, so `uri` and `date-time` formats are checked), in a worker thread. One instance per server.
 */
export class OpenApiValidator {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure?: Error;

  private constructor(definition: object, resolveFrom: string) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { definition, resolveFrom } });
    this.worker.on('message', (msg: { id: number; result?: unknown; error?: string }) => {
      const waiting = this.pending.get(msg.id);
      if (!waiting) return;
      this.pending.delete(msg.id);
      if (msg.error !== undefined) waiting.reject(new Error(`OpenAPI validator: ${msg.error}`));
      else waiting.resolve(msg.result);
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => this.failAll(new Error(`OpenAPI validator worker exited (${code})`)));
  }

  /**
   * @param definition the OpenAPI document (dereferenced by openapi-backend in the worker)
   * @param resolveFrom where `openapi-backend` is resolved from; default the current directory (the repository root
   *   in tests and when the sim is started with npm scripts)
   */
  static async start(definition: object, resolveFrom = join(process.cwd(), 'package.json')): Promise<OpenApiValidator> {
    const validator = new OpenApiValidator(definition, resolveFrom);
    try {
      await validator.call({ kind: 'ready' });
    } catch (error) {
      await validator.close();
      throw error;
    }
    return validator;
  }

  validateRequest(req: RequestToValidate): Promise<RequestValidation> {
    return this.call({ kind: 'request', req }) as Promise<RequestValidation>;
  }

  async validateResponse(res: ResponseToValidate): Promise<SchemaError[]> {
    const { errors } = (await this.call({ kind: 'response', res })) as { errors: SchemaError[] };
    return errors;
  }

  async close(): Promise<void> {
    this.failure ??= new Error('OpenAPI validator closed');
    await this.worker.terminate();
  }

  private call(message: Record<string, unknown>): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  private failAll(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
