import { type Request, type Response, Router } from 'express';
import { sendInvalidParameter, sendNotFound, sendUserPermissionDenied } from './api-errors';
import { absolutize, type CallLogQuery } from './call-log-store';
import { baseUrl, extensionParam, ownAccount, platformRoute, principalOf } from './http-support';
import { multi, pageParams, paginate } from './paging';
import type { SimState } from './sim-state';

/** Account and extension call log (Heavy group), single records and recording content (docs/ringcentral.md §4). */

const DAY_MS = 24 * 3600 * 1000;

function parseView(req: Request, res: Response): 'Simple' | 'Detailed' | undefined {
  const v = req.query.view === undefined ? 'Simple' : String(req.query.view);
  if (v === 'Simple' || v === 'Detailed') return v;
  sendInvalidParameter(res, 'view', v);
  return undefined;
}

function parseDate(raw: unknown, fallback: number): number | undefined {
  if (raw === undefined) return fallback;
  const ms = Date.parse(String(raw));
  return Number.isNaN(ms) ? undefined : ms;
}

/** Non-admins may read only their own extension's call log; the company log needs admin rights. */
function allowed(state: SimState, res: Response, extensionId?: string): boolean {
  const p = principalOf(res);
  const me = state.accounts.extension(p.accountId, p.extensionId);
  if (me?.admin || (extensionId !== undefined && extensionId === p.extensionId)) return true;
  sendUserPermissionDenied(res, 'FullCompanyCallLog');
  return false;
}

export function callLogRoutes(state: SimState): Router {
  const router = Router();

  const list = (scope: 'account' | 'extension') => (req: Request, res: Response) => {
    const p = principalOf(res);
    let extensionId: string | undefined;
    if (scope === 'extension') {
      extensionId = extensionParam(req, res);
      if (!state.accounts.extension(p.accountId, extensionId)) return sendNotFound(res, 'extensionId', extensionId);
    }
    if (!allowed(state, res, extensionId)) return;
    const view = parseView(req, res);
    if (!view) return;
    const dateTo = parseDate(req.query.dateTo, state.now());
    if (dateTo === undefined) return sendInvalidParameter(res, 'dateTo', String(req.query.dateTo));
    const dateFrom = parseDate(req.query.dateFrom, dateTo - DAY_MS);
    if (dateFrom === undefined) return sendInvalidParameter(res, 'dateFrom', String(req.query.dateFrom));
    const params = pageParams(req);
    if ('error' in params) return sendInvalidParameter(res, params.error, String(req.query[params.error]));
    const query: CallLogQuery = {
      dateFrom,
      dateTo,
      extensionId,
      telephonySessionId: req.query.telephonySessionId ? String(req.query.telephonySessionId) : undefined,
      sessionId: req.query.sessionId ? String(req.query.sessionId) : undefined,
      directions: multi(req.query.direction),
      types: multi(req.query.type),
      view,
    };
    const records = state.callLogs.query(p.accountId, query, state.now()).map((r) => absolutize(r, baseUrl(req), view));
    res.json(paginate(req, records, params.page, params.perPage));
  };

  const one = (scope: 'account' | 'extension') => (req: Request, res: Response) => {
    const p = principalOf(res);
    const extensionId = scope === 'extension' ? extensionParam(req, res) : undefined;
    if (!allowed(state, res, extensionId)) return;
    const view = parseView(req, res);
    if (!view) return;
    const record = state.callLogs.one(p.accountId, String(req.params.id), state.now(), view);
    const ext = extensionId ? Number(extensionId) : undefined;
    if (!record || (ext !== undefined && record.extension?.id !== ext && !record.legs?.some((l) => l.extension?.id === ext))) {
      return sendNotFound(res, 'callRecordId', String(req.params.id));
    }
    res.json(absolutize(record, baseUrl(req), view));
  };

  const heavy = (label: string) => [...platformRoute(state, label, 'heavy', 'ReadCallLog'), ownAccount];
  router.get('/restapi/v1.0/account/:accountId/call-log', ...heavy('GET /restapi/v1.0/account/~/call-log'), list('account'));
  router.get('/restapi/v1.0/account/:accountId/call-log/:id', ...heavy('GET /restapi/v1.0/account/~/call-log/{id}'), one('account'));
  router.get('/restapi/v1.0/account/:accountId/extension/:extensionId/call-log', ...heavy('GET /restapi/v1.0/account/~/extension/{id}/call-log'), list('extension'));
  router.get('/restapi/v1.0/account/:accountId/extension/:extensionId/call-log/:id', ...heavy('GET /restapi/v1.0/account/~/extension/{id}/call-log/{id}'), one('extension'));

  router.get(
    '/restapi/v1.0/account/:accountId/recording/:id/content',
    ...platformRoute(state, 'GET /restapi/v1.0/account/~/recording/{id}/content', 'heavy', 'ReadCallRecording'),
    ownAccount,
    (req, res) => {
      // A few bytes stand in for the audio; what matters to clients is that the link resolves.
      res.type('audio/mpeg').send(Buffer.from(`ID3 sim recording ${String(req.params.id)}`));
    },
  );

  return router;
}
