import type { RateLimitGroup } from './sim-options';
import type { SimState } from './sim-state';
import { bump } from './stats';
import { type SimSubscription, toSubscriptionInfo } from './subscription-store';
import { type ApiErrorReply, checkFilters } from './subscription.routes';
import type { WsSession } from './ws-gateway';
import { type ClientFrame, type Frame, clientResponseFrame } from './ws-frames';

/**
 * REST over the socket: the `ClientRequest` frames @rc-ex/ws sends for a WebSocket subscription's lifecycle
 * (`POST /restapi/v1.0/subscription`, `PUT`/`GET`/`DELETE /restapi/v1.0/subscription/{id}`, `POST .../renew`), answered
 * with a `ClientRequest` frame carrying the status, the rate-limit headers and the body, as in
 * ws-frame-subscription-created-response-with-rate-limit-headers.json. The caller is the session's token user.
 */

/** A WebSocket subscription shows `expiresIn: 86399` and lives as long as its socket session (docs/ringcentral.md §2.4). */
export const WS_SUBSCRIPTION_EXPIRES_IN = 86399;
const SUBSCRIPTION = /^\/restapi\/v1\.0\/subscription\/?$/;
const ONE = /^\/restapi\/v1\.0\/subscription\/([^/]+)\/?$/;
const RENEW = /^\/restapi\/v1\.0\/subscription\/([^/]+)\/renew\/?$/;

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const apiError = (e: ApiErrorReply): Reply => ({ status: e.status, body: { errorCode: e.errorCode, message: e.message, errors: [{ errorCode: e.errorCode, message: e.message, ...e.extra }] } });
const invalid = (parameterName: string, value?: string): Reply =>
  apiError({ status: 400, errorCode: 'CMN-101', message: `Parameter [${parameterName}] value is invalid`, extra: { parameterName, ...(value !== undefined && { parameterValue: value }) } });

export function handleClientRequest(state: SimState, session: WsSession, frame: ClientFrame, baseUrl: string): Frame {
  const path = (frame.path ?? '').split('?')[0];
  const method = frame.method ?? 'GET';
  const route = routeOf(method, path);
  if (!route) return clientResponseFrame(frame.messageId, 404, {}, apiError({ status: 404, errorCode: 'CMN-102', message: 'Resource not found' }).body);
  const { accountId, extensionId } = session.principal;
  const { requests } = state.stats;
  requests.total++;
  requests.byGroup[route.group]++;
  bump(requests.byRoute, route.label);
  bump(requests.byAccount, accountId);
  const headers: Record<string, string> = {};
  let reply: Reply;
  const decision = state.limiter.hit(`${accountId}:${extensionId}`, route.group, state.now());
  headers['X-Rate-Limit-Group'] = decision.group;
  headers['X-Rate-Limit-Limit'] = String(decision.limit);
  headers['X-Rate-Limit-Remaining'] = String(decision.remaining);
  headers['X-Rate-Limit-Window'] = String(decision.windowSeconds);
  if (state.faultRng.chance(state.knobs.apiErrorRate)) {
    requests.injectedErrors++;
    reply = apiError({ status: state.knobs.apiErrorStatus, errorCode: 'CMN-201', message: 'Service Temporary Unavailable' });
  } else if (!decision.allowed) {
    requests.rateLimited++;
    headers['Retry-After'] = String(decision.retryAfterSeconds);
    reply = apiError({ status: 429, errorCode: 'CMN-301', message: 'Request rate exceeded' });
  } else {
    reply = route.handle(state, session, route.id, frame.body, baseUrl);
  }
  bump(requests.byStatus, String(reply.status));
  return clientResponseFrame(frame.messageId, reply.status, { ...headers, ...reply.headers }, reply.body);
}

type Handler = (state: SimState, session: WsSession, id: string, body: unknown, baseUrl: string) => Reply;

function routeOf(method: string, path: string): { label: string; group: RateLimitGroup; id: string; handle: Handler } | undefined {
  if (method === 'POST' && SUBSCRIPTION.test(path)) return { label: 'POST /restapi/v1.0/subscription', group: 'medium', id: '', handle: create };
  const renew = RENEW.exec(path);
  if (method === 'POST' && renew) return { label: 'POST /restapi/v1.0/subscription/{id}/renew', group: 'light', id: renew[1], handle: (s, se, id, _b, url) => update(s, se, id, undefined, url) };
  const one = ONE.exec(path);
  if (!one) return undefined;
  if (method === 'GET') return { label: 'GET /restapi/v1.0/subscription/{id}', group: 'light', id: one[1], handle: read };
  if (method === 'PUT') return { label: 'PUT /restapi/v1.0/subscription/{id}', group: 'medium', id: one[1], handle: update };
  if (method === 'DELETE') return { label: 'DELETE /restapi/v1.0/subscription/{id}', group: 'medium', id: one[1], handle: remove };
  return undefined;
}

function create(state: SimState, session: WsSession, _id: string, raw: unknown, baseUrl: string): Reply {
  const p = session.principal;
  const body = (raw && typeof raw === 'object' ? raw : {}) as { eventFilters?: unknown; deliveryMode?: { transportType?: unknown } };
  const transport = body.deliveryMode?.transportType;
  if (transport !== 'WebSocket') return invalid('deliveryMode.transportType', String(transport));
  if (!p.scopes.includes('WebSocketsSubscription')) {
    const message = 'In order to call this API endpoint, application needs to have [WebSocketsSubscription] permission';
    return apiError({ status: 403, errorCode: 'CMN-401', message, extra: { permissionName: 'WebSocketsSubscription' } });
  }
  const filters = checkFilters(state, p, body.eventFilters);
  if (!filters.ok) return apiError(filters.error);
  const now = state.now();
  // One connection holds one subscription: a second one replaces the first (docs/ringcentral.md §2.4).
  for (const sub of state.subscriptions.all()) if (sub.wsSession === session.token) sub.deleted = true;
  if (state.subscriptions.listVisible(p, now).length >= state.options.maxSubscriptionsPerUser) {
    return apiError({ status: 403, errorCode: 'SUB-505', message: 'Subscriptions limit exceeded' });
  }
  const sub = state.subscriptions.create(
    { accountId: p.accountId, extensionId: p.extensionId, clientId: p.clientId, filters: filters.filters, disabledFilters: filters.disabled, address: '', transport: 'WebSocket', wsSession: session.token },
    WS_SUBSCRIPTION_EXPIRES_IN,
    now,
  );
  return { status: 200, body: toSubscriptionInfo(sub, baseUrl, now), headers: { 'WSG-SubscriptionId': sub.id } };
}

function owned(state: SimState, session: WsSession, id: string): SimSubscription | undefined {
  const p = session.principal;
  const sub = state.subscriptions.visible(id, state.now());
  return sub && sub.accountId === p.accountId && sub.extensionId === p.extensionId && sub.clientId === p.clientId ? sub : undefined;
}

const notFound = (id: string): Reply => apiError({ status: 404, errorCode: 'SUB-507', message: `Subscription [${id}] is not found` });

function read(state: SimState, session: WsSession, id: string, _body: unknown, baseUrl: string): Reply {
  const sub = owned(state, session, id);
  return !sub ? notFound(id) : { status: 200, body: toSubscriptionInfo(sub, baseUrl, state.now()) };
}

/** PUT (new filters, or none: a refresh) and renew: the subscription moves to this session and its lifetime restarts. */
function update(state: SimState, session: WsSession, id: string, raw: unknown, baseUrl: string): Reply {
  const sub = owned(state, session, id);
  if (!sub) return notFound(id);
  const body = (raw && typeof raw === 'object' ? raw : {}) as { eventFilters?: unknown };
  if (body.eventFilters !== undefined) {
    const filters = checkFilters(state, session.principal, body.eventFilters);
    if (!filters.ok) return apiError(filters.error);
    sub.filters = filters.filters;
    sub.disabledFilters = filters.disabled;
  }
  if (sub.transport === 'WebSocket') sub.wsSession = session.token;
  sub.expiresAt = state.now() + sub.expiresIn * 1000;
  return { status: 200, body: toSubscriptionInfo(sub, baseUrl, state.now()) };
}

function remove(state: SimState, session: WsSession, id: string): Reply {
  const sub = owned(state, session, id);
  if (!sub) return notFound(id);
  sub.deleted = true;
  return { status: 204 };
}
