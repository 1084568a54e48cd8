import { OpenApiWorker } from './openapi.worker';
import contractDocument from './plugin-server-openapi.json';

/**
 * The App Connect plugin-server contract (a verbatim copy of App Connect's published plugin-server-openapi.json
 * sits next to this file), checked with openapi-backend (run in a worker thread: see openapi.worker.ts).
 *
 * openapi-backend only validates `application/json` response bodies, so the validation view adds, without changing
 * what the document declares:
 * - every `text/plain`-only response also gets its schema under `application/json`, marked `x-sim-text-plain`, so
 *   text bodies ("OK", error text) are validated too; the declared media types are still the original ones;
 * - the async completion callback (under components.callbacks, which openapi-backend does not route) as an internal
 *   operation, so the callbacks we send and the answers we get are checked as well;
 * - (in the worker) the `uuid` and `uri` formats, which openapi-backend would otherwise ignore.
 * And one rule the document states in prose: a /plugin/sync answer is the bare payload and preserves the request's
 * fields, so it must be an object holding every top-level key of the request's `data`.
 */

export const CALLBACK_OPERATION_ID = 'postAsyncPluginCompletion';
const CALLBACK_PATH = '/__sim/async-plugin-completion';
const TEXT_MARK = 'x-sim-text-plain';
const SYNC_OPERATION_ID = 'invokeSynchronousPlugin';

export interface RequestToCheck {
  method: string;
  path: string;
  headers: Record<string, unknown>;
  query?: Record<string, unknown>;
  body: unknown;
}

export interface ResponseToCheck {
  status: number;
  headers: Record<string, unknown>;
  body: string;
  /** The parsed request body, for rules that compare the answer with the request. */
  requestBody?: unknown;
}

interface AjvError {
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

type Json = any;

export class PluginContract {
  private closed = false;

  private constructor(
    /** Undefined when opened with `validate: false`: operations are still matched, nothing is checked. */
    private readonly validator: OpenApiWorker | undefined,
    private readonly document: Json,
    private readonly operations: Map<string, Json>,
    private readonly routes: { method: string; pattern: RegExp; operationId: string }[],
  ) {}

  /** Starts (or joins) the validator worker unless `validate` is false; close() when done. */
  static async open(options: { validate?: boolean } = {}): Promise<PluginContract> {
    const document = validationView(structuredClone(contractDocument) as Json);
    const validator = options.validate === false ? undefined : await OpenApiWorker.acquire('app-connect-plugin-server', document);
    return new PluginContract(validator, document, indexOperations(document), indexRoutes(document));
  }

  get validating(): boolean {
    return this.validator !== undefined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.validator?.release();
  }

  /** The operationId the contract gives this request, or undefined for paths it does not declare. */
  operationFor(method: string, path: string): string | undefined {
    const verb = method.toLowerCase();
    return this.routes.find((route) => route.method === verb && route.pattern.test(path))?.operationId;
  }

  checkRequest(operationId: string, req: RequestToCheck): string[] {
    if (!this.validator) return [];
    const request = { method: req.method.toLowerCase(), path: req.path, headers: stringHeaders(req.headers), query: { ...(req.query ?? {}) }, body: req.body };
    return formatErrors(this.call<AjvError[]>('validateRequest', request, operationId));
  }

  /**
   * The media type declared for this answer: a string, null when the status is declared without a body, undefined
   * when the status is not declared at all.
   */
  declaredMediaType(operationId: string, status: number): string | null | undefined {
    const response = this.declaredResponse(operationId, status);
    if (!response) return undefined;
    return declaredTypes(response)[0] ?? null;
  }

  checkResponse(operationId: string, res: ResponseToCheck): string[] {
    if (!this.validator) return [];
    const response = this.declaredResponse(operationId, res.status);
    if (!response) return [`status ${res.status} is not declared for ${operationId}`];
    const headers = stringHeaders(res.headers);
    const errors: string[] = [];
    const types = declaredTypes(response);
    const mediaType = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    let body: unknown = res.body;
    let checkBody = false;
    if (types.length === 0) {
      if (res.body.length > 0) errors.push(`status ${res.status} of ${operationId} is declared without a body`);
    } else if (!types.includes(mediaType)) {
      errors.push(`content-type "${mediaType || '(none)'}" is not declared for ${res.status} (expected ${types.join(' or ')})`);
    } else if (mediaType !== 'application/json') {
      checkBody = true;
    } else {
      try {
        body = JSON.parse(res.body);
        checkBody = true;
      } catch {
        errors.push('body is not valid JSON');
      }
    }
    // One round trip for the headers and, when it can be read, the body.
    errors.unshift(...formatErrors(this.call<AjvError[]>('validateAnswer', headers, checkBody ? body : null, checkBody, operationId, res.status)));
    if (checkBody && operationId === SYNC_OPERATION_ID && res.status === 200) errors.push(...payloadPreserved(res.requestBody, body));
    return errors;
  }

  /** Checks a completion report we POST to App Connect's callbackUrl. */
  checkCallbackRequest(body: unknown): string[] {
    return this.checkRequest(CALLBACK_OPERATION_ID, { method: 'post', path: CALLBACK_PATH, headers: { 'content-type': 'application/json' }, body });
  }

  /** Checks App Connect's answer to a completion report. */
  checkCallbackResponse(status: number, headers: Record<string, unknown>, body: string): string[] {
    return this.checkResponse(CALLBACK_OPERATION_ID, { status, headers, body });
  }

  private declaredResponse(operationId: string, status: number): Json {
    const responses = this.operations.get(operationId)?.responses ?? {};
    const response = responses[String(status)] ?? responses[`${Math.floor(status / 100)}XX`] ?? responses.default;
    return response?.$ref ? resolveRef(this.document, response.$ref) : response;
  }

  private call<T>(name: string, ...args: unknown[]): T {
    if (this.closed || !this.validator) throw new Error('plugin contract validator is closed');
    return this.validator.call<T>(name, ...args);
  }
}

function validationView(doc: Json): Json {
  const responses: Json[] = [...Object.values(doc.components?.responses ?? {})];
  for (const pathItem of Object.values<Json>(doc.paths)) {
    for (const operation of Object.values<Json>(pathItem)) responses.push(...Object.values<Json>(operation.responses ?? {}));
  }
  for (const response of responses) {
    const content = response.content;
    if (content?.['text/plain'] && !content['application/json']) {
      content['application/json'] = { schema: content['text/plain'].schema, [TEXT_MARK]: true };
    }
  }
  const callback = doc.components.callbacks.AsyncPluginCompletion['{$request.body#/callbackUrl}'].post;
  doc.paths[CALLBACK_PATH] = { post: { ...callback, operationId: CALLBACK_OPERATION_ID } };
  return doc;
}

/** Method and path pattern of every declared operation but the internal callback one. */
function indexRoutes(doc: Json): { method: string; pattern: RegExp; operationId: string }[] {
  const routes: { method: string; pattern: RegExp; operationId: string }[] = [];
  for (const [path, pathItem] of Object.entries<Json>(doc.paths)) {
    if (path === CALLBACK_PATH) continue;
    const pattern = new RegExp(`^${path.split(/\{[^}]+\}/).map(escapeRegExp).join('[^/]+')}/?$`);
    for (const [method, operation] of Object.entries<Json>(pathItem)) {
      if (operation?.operationId) routes.push({ method, pattern, operationId: operation.operationId });
    }
  }
  return routes;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function indexOperations(doc: Json): Map<string, Json> {
  const operations = new Map<string, Json>();
  for (const pathItem of Object.values<Json>(doc.paths)) {
    for (const operation of Object.values<Json>(pathItem)) if (operation?.operationId) operations.set(operation.operationId, operation);
  }
  return operations;
}

function resolveRef(doc: Json, ref: string): Json {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce((node: Json, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
}

function declaredTypes(response: Json): string[] {
  return Object.entries<Json>(response.content ?? {})
    .filter(([, media]) => !media[TEXT_MARK])
    .map(([type]) => type.toLowerCase());
}

function payloadPreserved(requestBody: unknown, answer: unknown): string[] {
  const data = (requestBody as Json)?.data;
  if (!isObject(data) || !isObject(answer)) return [];
  const dropped = Object.keys(data).filter((key) => !(key in answer));
  return dropped.length ? [`answer drops field(s) of the request data: ${dropped.join(', ')} (it must be the bare payload)`] : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function stringHeaders(headers: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

function formatErrors(errors: AjvError[]): string[] {
  return errors.map((e) => {
    const detail = e.params?.additionalProperty ?? e.params?.allowedValues;
    return `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${detail !== undefined ? ` (${JSON.stringify(detail)})` : ''}`;
  });
}
