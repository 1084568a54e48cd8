import { Router, type Response } from 'express';
import type { CallbackBody, CallbackDispatcher } from './async-callbacks';
import { sendBadResponse } from './bad-responses';
import type { FaultInjector } from './fault-injector';
import { MARKER_CONFIG_FIELD, configText, transformPayload } from './note-transform';
import { claimsOf, requireBearer, type PluginTokens } from './plugin-auth';
import type { LoggingPayload, PluginConfig, PluginMode, PluginRoute, PluginServerOptions, PluginTransform } from './plugin-options';

export interface Registration {
  rcAccountId: string;
  at: string;
}

export interface RouteDeps {
  mode: PluginMode;
  tokens: PluginTokens;
  faults: FaultInjector;
  callbacks: CallbackDispatcher;
  transform: PluginTransform;
  asyncNote: string;
  verifyRcToken: PluginServerOptions['verifyRcToken'];
  registrations: Registration[];
}

const FAILED = 'Plugin request failed';

/** The template's routes (plugin-server-openapi.json). Only the invocation endpoint of the server's mode is served. */
export function pluginRoutes(deps: RouteDeps): Router {
  const { faults, tokens } = deps;
  const router = Router();
  const auth = requireBearer(tokens, () => faults.get('refreshTokens'));

  router.get('/isAlive', (_req, res) => {
    res.type('text/plain').send('OK');
  });

  router.post('/admin/register', faults.middleware('/admin/register'), async (req, res) => {
    const { rcAccessToken, rcAccountId } = (req.body ?? {}) as { rcAccessToken?: unknown; rcAccountId?: unknown };
    const claimed = typeof rcAccountId === 'string' || typeof rcAccountId === 'number' ? String(rcAccountId) : '';
    if (typeof rcAccessToken !== 'string' || rcAccessToken === '' || claimed === '') {
      res.status(400).type('text/plain').send('Plugin registration failed');
      return;
    }
    const owner = await ownerOf(rcAccessToken, claimed, deps.verifyRcToken);
    if (owner === undefined) {
      res.status(400).type('text/plain').send('Plugin registration failed');
      return;
    }
    if (owner !== claimed) {
      res.status(403).type('text/plain').send('rcAccountId mismatch');
      return;
    }
    deps.registrations.push({ rcAccountId: owner, at: new Date().toISOString() });
    answer(res, faults, '/admin/register', { jwtToken: tokens.issue(owner) });
  });

  router.post('/token/sync', faults.middleware('/token/sync'), auth, (_req, res) => {
    const bad = faults.badResponseFor('/token/sync');
    if (bad) sendBadResponse(res, '/token/sync', bad, 'OK');
    else res.type('text/plain').send('OK');
  });

  if (deps.mode === 'sync') {
    router.post('/plugin/sync', faults.middleware('/plugin/sync'), auth, async (req, res) => {
      const body = (req.body ?? {}) as { data?: unknown; config?: PluginConfig; hashedExtensionId?: string | null };
      if (!isObject(body.data)) {
        res.status(500).type('text/plain').send(FAILED);
        return;
      }
      let transformed: LoggingPayload;
      try {
        transformed = await transformPayload(deps.transform, body.data, {
          config: body.config ?? null,
          hashedExtensionId: body.hashedExtensionId,
          rcAccountId: claimsOf(res).rcAccountId,
          pluginId: tokens.pluginId,
        });
      } catch (err) {
        console.error('plugin simulator: transform failed', err);
        res.status(500).type('text/plain').send(FAILED);
        return;
      }
      answer(res, faults, '/plugin/sync', transformed, body);
    });
  } else {
    router.post('/plugin/async', faults.middleware('/plugin/async'), auth, (req, res) => {
      const { asyncTaskId, callbackUrl, config } = (req.body ?? {}) as { asyncTaskId?: unknown; callbackUrl?: unknown; config?: PluginConfig };
      if (typeof asyncTaskId !== 'string' || asyncTaskId === '' || typeof callbackUrl !== 'string' || callbackUrl === '') {
        res.status(400).json({ accepted: false, message: 'asyncTaskId and callbackUrl are required' });
        return;
      }
      if (!URL.canParse(callbackUrl)) {
        res.status(400).json({ accepted: false, message: 'callbackUrl must be an absolute URL' });
        return;
      }
      const mode = faults.get('callbackMode');
      if (mode !== 'none') {
        const note = configText(config ?? null, MARKER_CONFIG_FIELD) ?? deps.asyncNote;
        deps.callbacks.schedule({ asyncTaskId, callbackUrl, body: callbackBody(mode === 'success', note), delayMs: faults.get('callbackDelayMs') });
      }
      answer(res, faults, '/plugin/async', { accepted: true, asyncTaskId });
    });
  }

  router.get('/license', faults.middleware('/license'), auth, (_req, res) => {
    const status = faults.get('licensed')
      ? { licenseStatus: true, licenseStatusDescription: 'License: Simulated' }
      : {
          licenseStatus: false,
          licenseStatusDescription: 'License missing. This simulated plugin was told it is not licensed.',
          errorMessage: 'This plugin is not licensed',
        };
    answer(res, faults, '/license', status);
  });

  return router;
}

/** The account that owns the token: from verifyRcToken, or the claimed one when there is no verifier. */
async function ownerOf(token: string, claimed: string, verify: RouteDeps['verifyRcToken']): Promise<string | undefined> {
  if (!verify) return claimed;
  try {
    const identity = await verify(token);
    return identity ? String(identity.accountId) : undefined;
  } catch (err) {
    console.error('plugin simulator: RingCentral token check failed', err instanceof Error ? err.message : err);
    return undefined;
  }
}

function callbackBody(successful: boolean, note: string): CallbackBody {
  return successful
    ? { successful: true, message: 'Async plugin completed', note }
    : { successful: false, message: 'Async plugin failed (simulated)', note: '' };
}

/** Sends the route's JSON answer, or the bad one the `badResponse` knob asks for. */
function answer(res: Response, faults: FaultInjector, route: PluginRoute, good: unknown, requestBody?: unknown): void {
  const bad = faults.badResponseFor(route);
  if (bad) sendBadResponse(res, route, bad, good, requestBody);
  else res.status(200).json(good);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
