import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, Router } from 'express';
import { sendApiError, sendInvalidParameter } from './api-errors';
import { type ParsedFilter, parseFilter } from './event-filters';
import { baseUrl, platformRoute, principalOf } from './http-support';
import type { SimState } from './sim-state';
import { clampExpiresIn, type SimSubscription, toSubscriptionInfo } from './subscription-store';
import type { Principal } from './token-store';
import { validateWebhook } from './webhook-client';

/** `/restapi/v1.0/subscription` CRUD + renew, with the WebHook validation handshake (docs/ringcentral.md §2). */

/** An API error to answer with (`sendApiError` arguments); shared by the REST routes and the WebSocket gateway. */
export interface ApiErrorReply {
  status: number;
  errorCode: string;
  message: string;
  extra?: Record<string, unknown>;
}

export type FilterCheck = { ok: true; filters: ParsedFilter[]; disabled: SimSubscription['disabledFilters'] } | { ok: false; error: ApiErrorReply };

/** Parses filters. Filters the user may not have go to disabledFilters, as the platform does. */
export function checkFilters(state: SimState, p: Principal, raw: unknown): FilterCheck {
  if (!Array.isArray(raw) || raw.length === 0) {
    return { ok: false, error: { status: 400, errorCode: 'CMN-101', message: 'Parameter [eventFilters] value is invalid', extra: { parameterName: 'eventFilters' } } };
  }
  const owner = state.accounts.extension(p.accountId, p.extensionId);
  const filters: ParsedFilter[] = [];
  const disabled: SimSubscription['disabledFilters'] = [];
  for (const f of raw) {
    const parsed = parseFilter(f, p, (id) => Boolean(state.accounts.extension(p.accountId, id)));
    if (parsed === 'invalid') {
      return { ok: false, error: { status: 400, errorCode: 'SUB-508', message: `Event filter is not valid: [${String(f)}]`, extra: { parameterName: 'eventFilters' } } };
    }
    if (parsed === 'foreign-account') {
      return { ok: false, error: { status: 403, errorCode: 'SUB-406', message: 'Subscription to events of another account is not allowed' } };
    }
    if (parsed === 'unknown-extension') {
      return { ok: false, error: { status: 404, errorCode: 'SUB-408', message: 'User not found' } };
    }
    const telephony = parsed.kind === 'telephony-account' || parsed.kind === 'telephony-extension';
    const othersEvents = parsed.kind === 'telephony-account' || (parsed.extensionId !== undefined && parsed.extensionId !== p.extensionId);
    if (telephony && !p.scopes.includes('CallControl')) {
      disabled.push({ filter: parsed.expanded, reason: 'PermissionDenied', message: 'Application needs to have [CallControl] permission' });
    } else if (othersEvents && !owner?.admin) {
      disabled.push({ filter: parsed.expanded, reason: 'PermissionDenied', message: 'User needs to have company-wide permissions for this filter' });
    } else {
      filters.push(parsed);
    }
  }
  return { ok: true, filters, disabled };
}

function sendReply(res: Response, error: ApiErrorReply): void {
  sendApiError(res, error.status, error.errorCode, error.message, error.extra);
}

function findOwned(state: SimState, req: Request, res: Response): SimSubscription | undefined {
  const p = principalOf(res);
  const id = String(req.params.id);
  const stored = state.subscriptions.get(id);
  const sub = state.subscriptions.visible(id, state.now());
  if (!sub || sub.accountId !== p.accountId || sub.extensionId !== p.extensionId || sub.clientId !== p.clientId) {
    const expired = stored && !stored.deleted && stored.accountId === p.accountId;
    sendApiError(res, 404, 'SUB-507', expired ? `Subscription [${id}] was expired` : `Subscription [${id}] is not found`);
    return undefined;
  }
  return sub;
}

export function subscriptionRoutes(state: SimState): Router {
  const router = Router();
  const json = express.json();
  const info = (req: Request, sub: SimSubscription) => toSubscriptionInfo(sub, baseUrl(req), state.now());

  router.post('/restapi/v1.0/subscription', ...platformRoute(state, 'POST /restapi/v1.0/subscription', 'medium'), json, async (req, res) => {
    const p = principalOf(res);
    const body = (req.body ?? {}) as { eventFilters?: unknown; deliveryMode?: Record<string, unknown>; expiresIn?: unknown };
    const mode = body.deliveryMode ?? {};
    if (mode.transportType !== 'WebHook') return sendInvalidParameter(res, 'deliveryMode.transportType', String(mode.transportType));
    if (!p.scopes.includes('SubscriptionWebhook')) return sendApiError(res, 403, 'CMN-401', 'In order to call this API endpoint, application needs to have [SubscriptionWebhook] permission', { permissionName: 'SubscriptionWebhook' }, 'InsufficientPermissions');
    const address = typeof mode.address === 'string' ? mode.address : '';
    if (!/^https?:\/\/[^\s]+$/.test(address)) return sendInvalidParameter(res, 'deliveryMode.address', address);
    const expiresIn = clampExpiresIn(body.expiresIn);
    if (expiresIn === undefined) return sendInvalidParameter(res, 'expiresIn', String(body.expiresIn));
    const filters = checkFilters(state, p, body.eventFilters);
    if (!filters.ok) return sendReply(res, filters.error);
    if (state.subscriptions.listVisible(p, state.now()).length >= state.options.maxSubscriptionsPerUser) {
      return sendApiError(res, 403, 'SUB-505', 'Subscriptions limit exceeded');
    }
    state.stats.deliveries.validations++;
    const handshake = await validateWebhook(address, randomUUID(), state.knobs.webhookTimeoutMs, state.stop.signal);
    if (!handshake.ok) {
      state.stats.deliveries.validationsFailed++;
      return sendApiError(res, 400, 'SUB-525', `WebHook server response is invalid (${handshake.reason})`, { parameterName: 'deliveryMode.address' });
    }
    const sub = state.subscriptions.create(
      {
        accountId: p.accountId,
        extensionId: p.extensionId,
        clientId: p.clientId,
        filters: filters.filters,
        disabledFilters: filters.disabled,
        address,
        verificationToken: typeof mode.verificationToken === 'string' && mode.verificationToken ? mode.verificationToken : undefined,
      },
      expiresIn,
      state.now(),
    );
    res.json(info(req, sub));
  });

  router.get('/restapi/v1.0/subscription', ...platformRoute(state, 'GET /restapi/v1.0/subscription', 'light'), (req, res) => {
    const subs = state.subscriptions.listVisible(principalOf(res), state.now());
    res.json({ uri: `${baseUrl(req)}/restapi/v1.0/subscription`, records: subs.map((s) => info(req, s)) });
  });

  router.get('/restapi/v1.0/subscription/:id', ...platformRoute(state, 'GET /restapi/v1.0/subscription/{id}', 'light'), (req, res) => {
    const sub = findOwned(state, req, res);
    if (sub) res.json(info(req, sub));
  });

  router.put('/restapi/v1.0/subscription/:id', ...platformRoute(state, 'PUT /restapi/v1.0/subscription/{id}', 'medium'), json, (req, res) => {
    const sub = findOwned(state, req, res);
    if (!sub) return;
    // Only eventFilters and expiresIn can change; the delivery address is fixed at creation.
    const body = (req.body ?? {}) as { eventFilters?: unknown; expiresIn?: unknown };
    if (body.eventFilters !== undefined) {
      const filters = checkFilters(state, principalOf(res), body.eventFilters);
      if (!filters.ok) return sendReply(res, filters.error);
      sub.filters = filters.filters;
      sub.disabledFilters = filters.disabled;
    }
    if (body.expiresIn !== undefined) {
      const expiresIn = clampExpiresIn(body.expiresIn);
      if (expiresIn === undefined) return sendInvalidParameter(res, 'expiresIn', String(body.expiresIn));
      sub.expiresIn = expiresIn;
    }
    sub.expiresAt = state.now() + sub.expiresIn * 1000;
    res.json(info(req, sub));
  });

  router.post('/restapi/v1.0/subscription/:id/renew', ...platformRoute(state, 'POST /restapi/v1.0/subscription/{id}/renew', 'light'), (req, res) => {
    const sub = findOwned(state, req, res);
    if (!sub) return;
    sub.expiresAt = state.now() + sub.expiresIn * 1000;
    res.json(info(req, sub));
  });

  router.delete('/restapi/v1.0/subscription/:id', ...platformRoute(state, 'DELETE /restapi/v1.0/subscription/{id}', 'medium'), (req, res) => {
    const sub = findOwned(state, req, res);
    if (!sub) return;
    sub.deleted = true;
    res.status(204).end();
  });

  return router;
}
