import type { Response } from 'express';
import type { BadResponseKind, PluginRoute } from './plugin-options';
import { entryOf } from './request-log';

/**
 * Answers 200 with something App Connect cannot use, shaped after the mistakes real plugins make:
 * - not-json: an HTML page (a proxy or a misrouted URL);
 * - missing-fields: a required field left out (`jwtToken`, `accepted`, `licenseStatus`; /plugin/sync keeps only the
 *   note it changed, dropping the rest of the payload; /token/sync an empty body);
 * - wrong-shape: the right field with the wrong type (`jwtToken` an object, `accepted` "yes", `licenseStatus`
 *   "active"), /plugin/sync the request envelope `{data, config}` instead of the bare payload, /token/sync JSON.
 * `good` is the answer the route would have sent.
 */
export function sendBadResponse(res: Response, route: PluginRoute, kind: BadResponseKind, good: unknown, requestBody?: unknown): void {
  entryOf(res).injected = 'bad-response';
  if (kind === 'not-json') {
    res.status(200).type('text/html').send('<html><body><h1>Welcome</h1><p>This is not the plugin API.</p></body></html>');
    return;
  }
  const answer = kind === 'missing-fields' ? missingFields(route, good) : wrongShape(route, good, requestBody);
  if (route === '/token/sync' && kind === 'missing-fields') res.status(200).type('text/plain').send('');
  else res.status(200).json(answer);
}

function missingFields(route: PluginRoute, good: unknown): unknown {
  const body = (good ?? {}) as Record<string, unknown>;
  switch (route) {
    case '/admin/register':
      return {};
    case '/plugin/sync': {
      const keepNote = 'note' in body && Object.keys(body).length > 1;
      return keepNote ? { note: body.note } : {};
    }
    case '/plugin/async':
      return { asyncTaskId: body.asyncTaskId };
    case '/license':
      return { licenseStatusDescription: body.licenseStatusDescription };
    case '/token/sync':
      return '';
  }
}

function wrongShape(route: PluginRoute, good: unknown, requestBody: unknown): unknown {
  const body = (good ?? {}) as Record<string, unknown>;
  switch (route) {
    case '/admin/register':
      return { jwtToken: { token: body.jwtToken } };
    case '/plugin/sync':
      return { data: good, config: (requestBody as { config?: unknown } | undefined)?.config ?? null };
    case '/plugin/async':
      return { accepted: 'yes', asyncTaskId: body.asyncTaskId };
    case '/license':
      return { licenseStatus: 'active', licenseStatusDescription: body.licenseStatusDescription };
    case '/token/sync':
      return { status: 'OK' };
  }
}
