import express, { type Request, type Response, Router } from 'express';
import type { PlayRandomOptions, ReplayOptions } from './scenario-engine';
import type { RingCentralSim } from './ringcentral-sim';
import { isScenarioName } from './scenarios';
import type { SimKnobsPatch } from './sim-options';
import type { AccountSpec, NotificationEnvelope, PlayOptions } from './sim-types';

/**
 * `/sim/...`: a small HTTP control API so a demo container or another process can drive the simulator
 * (accounts, JWT credentials, calls, knobs, stats, fault injection). No auth: it is a test tool.
 */

type Handler = (req: Request, res: Response) => unknown;

/** Maps thrown errors to 404 (unknown account/subscription) or 400 (bad input). */
const safe = (fn: Handler) => async (req: Request, res: Response) => {
  try {
    const out = await fn(req, res);
    if (!res.headersSent) res.json(out ?? { ok: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    res.status(/^unknown |is not one of/.test(message) ? 404 : 400).json({ error: message });
  }
};

export function controlRoutes(sim: RingCentralSim): Router {
  const router = Router();
  router.use(express.json({ limit: '20mb' }));
  const body = (req: Request) => (req.body ?? {}) as Record<string, unknown>;
  const id = (req: Request) => String(req.params.id);

  router.get('/health', safe(() => ({ ok: true, url: sim.url })));

  /** The app credentials the token endpoint accepts (a demo or a test configures the service with them). */
  router.get('/app', safe(() => ({ clientId: sim.options.clientId, clientSecret: sim.options.clientSecret })));

  router.get('/accounts', safe(() => sim.accounts()));
  router.post('/accounts', safe((req, res) => {
    res.status(201);
    return sim.addAccount(body(req) as AccountSpec);
  }));
  router.get('/accounts/:id', safe((req) => sim.account(id(req))));

  router.post('/accounts/:id/jwt', safe((req) => {
    const b = body(req) as { extensionId?: string; clientId?: string; expiresInSeconds?: number };
    const account = sim.account(id(req));
    const extensionId = b.extensionId ?? account.extensions.find((e) => e.admin)?.id;
    return { accountId: account.id, extensionId, jwt: sim.issueJwt(account.id, extensionId, b) };
  }));

  /** Fault injection: revoke JWT credentials (→ invalid_grant) and/or end sessions (→ 401). */
  router.post('/accounts/:id/revoke', safe((req) => {
    const b = body(req) as { jwt?: string; extensionId?: string; credentials?: boolean; sessions?: boolean };
    const accountId = sim.account(id(req)).id;
    const revokedCredentials = b.credentials === false ? 0 : sim.revokeJwt({ jwt: b.jwt, accountId, extensionId: b.extensionId });
    const endedSessions = b.sessions === false ? 0 : sim.revokeSessions(accountId, b.extensionId);
    return { revokedCredentials, endedSessions };
  }));
  router.post('/accounts/:id/expire-tokens', safe((req) => ({ expired: sim.expireAccessTokens(sim.account(id(req)).id) })));

  router.post('/accounts/:id/calls', safe(async (req, res) => {
    const b = body(req) as { scenario?: string; random?: number; options?: PlayRandomOptions; wait?: boolean };
    const accountId = sim.account(id(req)).id;
    const options = b.options ?? {};
    if (b.scenario !== undefined && !isScenarioName(b.scenario)) throw new Error(`invalid scenario ${b.scenario}`);
    if (b.scenario === undefined && !(Number.isInteger(b.random) && (b.random as number) > 0)) {
      throw new Error('give either "scenario" or a positive integer "random"');
    }
    const run = b.scenario !== undefined
      ? sim.play(accountId, b.scenario, options as PlayOptions).then((r) => [r])
      : sim.playRandom(accountId, b.random as number, options);
    if (b.wait === false) {
      run.catch((error: unknown) => console.error('sim: call playback failed', error));
      res.status(202);
      return { accepted: true };
    }
    const results = await run;
    return b.scenario !== undefined ? results[0] : { calls: results };
  }));

  router.post('/accounts/:id/calls/:telephonySessionId/end', safe((req) => ({ legs: sim.endCall(sim.account(id(req)).id, String(req.params.telephonySessionId)) })));

  router.post('/accounts/:id/replay', safe((req) => {
    const b = body(req) as ReplayOptions & { notifications?: NotificationEnvelope[]; subscriptionId?: string };
    if (!Array.isArray(b.notifications)) throw new Error('"notifications" must be an array of envelopes');
    const { notifications, subscriptionId, ...opts } = b;
    return sim.replay(id(req), notifications, subscriptionId, opts);
  }));

  router.get('/accounts/:id/call-log', safe((req) => ({ records: sim.callLogRecords(sim.account(id(req)).id) })));

  router.get('/stats', safe(() => sim.stats()));
  router.post('/stats/reset', safe(() => {
    sim.resetStats();
    return sim.stats();
  }));

  router.get('/knobs', safe(() => sim.knobs()));
  router.patch('/knobs', safe((req) => sim.setKnobs(body(req) as SimKnobsPatch)));

  router.get('/websockets', safe(() => ({ connections: sim.webSockets(), openByAccount: sim.stats().websockets.openByAccount })));
  /** Fault injection: cut WebSocket connections (all, or `{ "accountId" }`'s) as a network failure would. */
  router.post('/websockets/drop', safe((req) => {
    const accountId = body(req).accountId;
    if (accountId !== undefined) sim.account(String(accountId));
    return { dropped: sim.dropWebSockets(accountId === undefined ? undefined : String(accountId)) };
  }));

  router.get('/subscriptions', safe((req) => sim.subscriptions(req.query.accountId ? String(req.query.accountId) : undefined)));
  router.post('/subscriptions/:id/blacklist', safe((req) => {
    sim.blacklist(id(req), (body(req).reason as string | undefined) ?? undefined);
    return sim.subscriptions().find((s) => s.id === id(req));
  }));
  router.post('/subscriptions/:id/expire', safe((req) => {
    sim.expire(id(req));
    return sim.subscriptions().find((s) => s.id === id(req));
  }));

  return router;
}
