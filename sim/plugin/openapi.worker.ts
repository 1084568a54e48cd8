import { createRequire } from 'node:module';
import { join } from 'node:path';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';

/**
 * openapi-backend in a worker thread, called synchronously (Atomics.wait + receiveMessageOnPort, as synckit does).
 *
 * Why a worker: openapi-backend is CommonJS and requires @apidevtools/json-schema-ref-parser, which is ESM-only.
 * Plain Node >= 20.19 loads that (require(esm)), but Jest's module loader on Node 20 cannot (ERR_REQUIRE_ESM), and
 * this project's Jest configuration is not ours to change. The worker is real Node, so the same code path runs in the
 * tests and in the build. One worker per document and process, shared by every user, stopped shortly after the last
 * one leaves.
 */

const CALL_TIMEOUT_MS = 30_000;
// Suites often close one server and start the next; starting the validator takes about a second.
const LINGER_MS = 2_000;

/** Runs inside the worker: plain CommonJS, loaded by Node itself. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { OpenAPIBackend } = require(workerData.backendPath);
const { port, flag: flagBuffer, definition } = workerData;
const flag = new Int32Array(flagBuffer);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const api = new OpenAPIBackend({
  definition, strict: true, validate: true,
  // openapi-backend ignores formats it does not know; these two are used by the plugin contract.
  customizeAjv: (ajv) => { ajv.addFormat('uuid', UUID); ajv.addFormat('uri', (v) => URL.canParse(v)); return ajv; },
});
const errors = (result) => (result.errors || []).map(({ instancePath, message, params }) => ({ instancePath, message, params }));
const calls = {
  operationFor: (method, path) => { const op = api.router.matchOperation({ method, path, headers: {} }); return op ? op.operationId : undefined; },
  validateRequest: (req, operationId) => errors(api.validateRequest(req, operationId)),
  validateResponse: (body, operationId, status) => errors(api.validateResponse(body, operationId, status)),
  validateResponseHeaders: (headers, operationId, status) => errors(api.validateResponseHeaders(headers, operationId, { statusCode: status })),
  // Headers and body in one round trip.
  validateAnswer: (headers, body, withBody, operationId, status) => [
    ...errors(api.validateResponseHeaders(headers, operationId, { statusCode: status })),
    ...(withBody ? errors(api.validateResponse(body, operationId, status)) : []),
  ],
};
port.on('message', ({ name, args }) => {
  let reply;
  try { reply = { result: calls[name](...args) }; } catch (err) { reply = { error: String((err && err.message) || err) }; }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
api.init().then(() => parentPort.postMessage({ ready: true }), (err) => parentPort.postMessage({ error: String((err && err.stack) || err) }));
`;

interface Runtime {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
  users: number;
  ready: Promise<void>;
  idleTimer?: NodeJS.Timeout;
}

/** Running workers by document key. */
const running = new Map<string, Runtime>();

export class OpenApiWorker {
  private released = false;

  private constructor(
    private readonly key: string,
    private readonly runtime: Runtime,
  ) {}

  /**
   * Joins the worker running the document known as `key`, or starts one for `definition` (an OpenAPI 3 document,
   * local $refs only; it must be structured-cloneable).
   */
  static async acquire(key: string, definition: unknown): Promise<OpenApiWorker> {
    let runtime = running.get(key);
    if (!runtime) {
      runtime = start(definition);
      running.set(key, runtime);
    }
    clearTimeout(runtime.idleTimer);
    runtime.users++;
    try {
      await runtime.ready;
    } catch (err) {
      runtime.users--;
      if (running.get(key) === runtime) running.delete(key);
      void runtime.worker.terminate();
      throw err;
    }
    return new OpenApiWorker(key, runtime);
  }

  /** One synchronous round trip: `name` is one of the worker's calls (operationFor, validateRequest, ...). */
  call<T>(name: string, ...args: unknown[]): T {
    if (this.released) throw new Error('OpenAPI validator worker already released');
    const { port, flag } = this.runtime;
    Atomics.store(flag, 0, 0);
    port.postMessage({ name, args });
    if (Atomics.wait(flag, 0, 0, CALL_TIMEOUT_MS) === 'timed-out') throw new Error(`OpenAPI validator did not answer ${name}`);
    const reply = receiveMessageOnPort(port)?.message as { result?: T; error?: string } | undefined;
    if (!reply) throw new Error(`OpenAPI validator sent no answer to ${name}`);
    if (reply.error !== undefined) throw new Error(`OpenAPI validator: ${reply.error}`);
    return reply.result as T;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    const runtime = this.runtime;
    runtime.users--;
    if (runtime.users > 0) return;
    runtime.idleTimer = setTimeout(() => {
      if (runtime.users > 0) return;
      if (running.get(this.key) === runtime) running.delete(this.key);
      runtime.port.close();
      void runtime.worker.terminate();
    }, LINGER_MS);
    runtime.idleTimer.unref();
  }
}

function start(definition: unknown): Runtime {
  const channel = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { backendPath: resolveFromHere('openapi-backend'), port: channel.port2, flag: flag.buffer, definition },
    transferList: [channel.port2],
  });
  channel.port1.unref();
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', (message: { ready?: boolean; error?: string }) =>
      message.ready ? resolve() : reject(new Error(`OpenAPI validator failed to start: ${message.error}`)),
    );
    worker.once('error', reject);
  });
  // Referenced while it starts (a script awaiting it may have nothing else alive), then it must not hold the process.
  void ready.then(() => worker.unref(), () => undefined);
  return { worker, port: channel.port1, flag, users: 0, ready };
}

/**
 * Absolute path of a package, resolved from this file in the CommonJS build. Jest runs this file as ESM, without
 * __filename; tests run from the repository root.
 */
function resolveFromHere(specifier: string): string {
  const base = typeof __filename === 'string' ? __filename : join(process.cwd(), 'package.json');
  return createRequire(base).resolve(specifier);
}
