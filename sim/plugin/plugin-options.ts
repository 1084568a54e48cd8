/** Options, knobs and the shapes the plugin simulator exchanges with App Connect (or the service standing in for it). */

export type PluginMode = 'sync' | 'async';
export type BadResponseKind = 'not-json' | 'missing-fields' | 'wrong-shape';
export type CallbackMode = 'success' | 'failure' | 'none';
/** The routes fault knobs can target (`GET /isAlive` never fails). */
export type PluginRoute = '/admin/register' | '/token/sync' | '/plugin/sync' | '/plugin/async' | '/license';

export const PLUGIN_ROUTES: readonly PluginRoute[] = ['/admin/register', '/token/sync', '/plugin/sync', '/plugin/async', '/license'];
const BAD_RESPONSES: readonly BadResponseKind[] = ['not-json', 'missing-fields', 'wrong-shape'];
const CALLBACK_MODES: readonly CallbackMode[] = ['success', 'failure', 'none'];

/** The connector payload App Connect passes through plugins: opaque, but usually `{logInfo, note, ...}`. */
export type LoggingPayload = Record<string, unknown>;
/** `plugin_<id>.value.config` from user settings: `{<field>: {value, customizable?}}`, or null. */
export type PluginConfig = Record<string, unknown> | null;

export interface TransformContext {
  config: PluginConfig;
  hashedExtensionId: string | null | undefined;
  /** From the verified bearer token. */
  rcAccountId: string;
  pluginId: string;
}

/** How POST /plugin/sync changes `data`: a marker appended to `data.note`, or any function of the payload. */
export type PluginTransform =
  | { appendToNote: string }
  | ((data: LoggingPayload, context: TransformContext) => LoggingPayload | Promise<LoggingPayload>);

export interface AsyncBehaviour {
  /** Delay before the callback is POSTed (default 20 ms); the `callbackDelayMs` knob changes it later. */
  delayMs?: number;
  /** Note sent in a successful callback (default `[plugin:<name>] async`); `config.suffix.value` overrides it. */
  note?: string;
  /** false starts the server with `callbackMode: 'failure'`. */
  successful?: boolean;
}

export interface PluginKnobs {
  /** Added before answering any request on `faultRoutes`. */
  latencyMs: number;
  /** Probability (0..1) that a request on `faultRoutes` is answered with `failStatus` instead of being handled. */
  failRate: number;
  /** 400..599; default 500. */
  failStatus: number;
  /** Answer 200 with something that is not a valid payload (see README); null = off. */
  badResponse: BadResponseKind | null;
  /** Requests on `faultRoutes` are never answered (until close()). */
  timeoutForever: boolean;
  /** What GET /license reports. */
  licensed: boolean;
  /** Attach `x-refreshed-jwt-token` to every authenticated response, not only near expiry. */
  refreshTokens: boolean;
  /** What the async callback reports, or 'none' to never call back. */
  callbackMode: CallbackMode;
  callbackDelayMs: number;
  /** Routes the fault knobs (latency, failures, bad responses, timeouts) apply to; default all but /isAlive. */
  faultRoutes: PluginRoute[];
}

export interface PluginServerOptions extends Partial<PluginKnobs> {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Base of the manifest URLs when callers reach the server under another name (a container); default `url`. */
  publicUrl?: string;
  /** HS256 key for the plugin JWTs; default a random key per server. */
  secret?: string;
  /** One server is one plugin: 'sync' serves POST /plugin/sync, 'async' POST /plugin/async. Default 'sync'. */
  mode?: PluginMode;
  /** The plugin's id (the Developer Console id), put in every token's `pluginId` claim. Default `sim-<mode>-plugin`. */
  pluginId?: string;
  /** Manifest `name` and the default note marker `[plugin:<name>]`. Default the plugin id. */
  name?: string;
  displayName?: string;
  transform?: PluginTransform;
  async?: AsyncBehaviour;
  /**
   * Checks the admin's RingCentral access token at registration and returns its account, or undefined when the token
   * is rejected. Without it any non-empty token is accepted for the account it claims. See ringCentralTokenVerifier.
   */
  verifyRcToken?: (rcAccessToken: string) => Promise<{ accountId: string } | undefined>;
  /**
   * Check requests, answers and callbacks against the contract (default true). Each check blocks the event loop for
   * about 0.1 ms (a round trip to the validator thread); benchmarks may turn it off.
   */
  checkContract?: boolean;
  /** RNG seed for failRate (default 1), so a faulty run replays. */
  seed?: number;
  /** Clock for token issue and expiry, in ms. Default Date.now. */
  now?: () => number;
}

export function defaultKnobs(options: PluginServerOptions): PluginKnobs {
  return {
    latencyMs: 0,
    failRate: 0,
    failStatus: 500,
    badResponse: null,
    timeoutForever: false,
    licensed: true,
    refreshTokens: false,
    callbackMode: options.async?.successful === false ? 'failure' : 'success',
    callbackDelayMs: options.async?.delayMs ?? 20,
    faultRoutes: [...PLUGIN_ROUTES],
  };
}

/** Applies a patch after checking every value; on a bad value nothing changes and a RangeError says why. */
export function patchKnobs(current: PluginKnobs, patch: Partial<PluginKnobs>): PluginKnobs {
  const next: PluginKnobs = { ...current };
  for (const [key, value] of Object.entries(patch) as [keyof PluginKnobs, unknown][]) {
    if (value === undefined) continue;
    switch (key) {
      case 'latencyMs':
      case 'callbackDelayMs':
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new RangeError(`${key} must be a number >= 0`);
        next[key] = value;
        break;
      case 'failRate':
        if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new RangeError('failRate must be between 0 and 1');
        next.failRate = value;
        break;
      case 'failStatus':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 400 || value > 599) {
          throw new RangeError('failStatus must be an HTTP error status (400..599)');
        }
        next.failStatus = value;
        break;
      case 'badResponse':
        if (value !== null && !BAD_RESPONSES.includes(value as BadResponseKind)) {
          throw new RangeError(`badResponse must be null or one of ${BAD_RESPONSES.join(', ')}`);
        }
        next.badResponse = value as BadResponseKind | null;
        break;
      case 'timeoutForever':
      case 'licensed':
      case 'refreshTokens':
        if (typeof value !== 'boolean') throw new RangeError(`${key} must be a boolean`);
        next[key] = value;
        break;
      case 'callbackMode':
        if (!CALLBACK_MODES.includes(value as CallbackMode)) throw new RangeError(`callbackMode must be one of ${CALLBACK_MODES.join(', ')}`);
        next.callbackMode = value as CallbackMode;
        break;
      case 'faultRoutes':
        if (!Array.isArray(value) || value.some((route) => !PLUGIN_ROUTES.includes(route as PluginRoute))) {
          throw new RangeError(`faultRoutes must list routes among ${PLUGIN_ROUTES.join(', ')}`);
        }
        next.faultRoutes = [...(value as PluginRoute[])];
        break;
      default:
        throw new RangeError(`unknown knob ${String(key)}`);
    }
  }
  return next;
}

/** Picks the knob fields out of the options (the options type extends Partial<PluginKnobs>). */
export function knobsFromOptions(options: PluginServerOptions): Partial<PluginKnobs> {
  const keys = Object.keys(defaultKnobs({})) as (keyof PluginKnobs)[];
  return Object.fromEntries(keys.filter((key) => options[key] !== undefined).map((key) => [key, options[key]])) as Partial<PluginKnobs>;
}
