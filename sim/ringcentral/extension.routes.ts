import { Router, type Request } from 'express';
import { sendInvalidParameter, sendNotFound } from './api-errors';
import { baseUrl, extensionParam, ownAccount, platformRoute, principalOf } from './http-support';
import { multi, pageParams, paginate } from './paging';
import type { SimState } from './sim-state';
import type { SimAccount, SimExtension } from './sim-types';

/** Account info, extension info (`/extension/~` tells the service whether its user is an admin) and the directory. */

function summary(req: Request, account: SimAccount, ext: SimExtension): Record<string, unknown> {
  return {
    uri: `${baseUrl(req)}/restapi/v1.0/account/${account.id}/extension/${ext.id}`,
    // The platform returns extension ids as numbers here, but as strings in notifications.
    id: Number(ext.id),
    extensionNumber: ext.extensionNumber,
    contact: { firstName: ext.firstName, ...(ext.lastName ? { lastName: ext.lastName } : {}), email: ext.email, ...(ext.directNumber ? { businessPhone: ext.directNumber } : {}) },
    name: ext.name,
    type: ext.type,
    status: ext.status,
    hidden: false,
  };
}

export function extensionRoutes(state: SimState): Router {
  const router = Router();

  router.get('/restapi/v1.0/account/:accountId', ...platformRoute(state, 'GET /restapi/v1.0/account/~', 'light', 'ReadAccounts'), ownAccount, (req, res) => {
    const account = state.accounts.require(principalOf(res).accountId);
    res.json({
      uri: `${baseUrl(req)}/restapi/v1.0/account/${account.id}`,
      id: Number(account.id),
      mainNumber: account.mainNumber,
      status: 'Confirmed',
      serviceInfo: { brand: { id: '1210', name: 'RingCentral' } },
    });
  });

  router.get('/restapi/v1.0/account/:accountId/extension', ...platformRoute(state, 'GET /restapi/v1.0/account/~/extension', 'medium', 'ReadAccounts'), ownAccount, (req, res) => {
    const account = state.accounts.require(principalOf(res).accountId);
    const params = pageParams(req);
    if ('error' in params) return sendInvalidParameter(res, params.error, String(req.query[params.error]));
    const types = multi(req.query.type);
    const statuses = multi(req.query.status);
    const items = account.extensions
      .filter((e) => !types.length || types.includes(e.type))
      .filter((e) => !statuses.length || statuses.includes(e.status))
      .map((e) => summary(req, account, e));
    res.json(paginate(req, items, params.page, params.perPage));
  });

  router.get('/restapi/v1.0/account/:accountId/extension/:extensionId', ...platformRoute(state, 'GET /restapi/v1.0/account/~/extension/{id}', 'light', 'ReadAccounts'), ownAccount, (req, res) => {
    const account = state.accounts.require(principalOf(res).accountId);
    const id = extensionParam(req, res);
    const ext = account.extensions.find((e) => e.id === id);
    if (!ext) return sendNotFound(res, 'extensionId', id);
    res.json({
      ...summary(req, account, ext),
      setupWizardState: 'Completed',
      permissions: { admin: { enabled: ext.admin }, internationalCalling: { enabled: false } },
      account: { uri: `${baseUrl(req)}/restapi/v1.0/account/${account.id}`, id: account.id },
    });
  });

  return router;
}
