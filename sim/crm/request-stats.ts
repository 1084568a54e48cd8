import type { RequestHandler } from 'express';

export interface CrmStats {
  /** API requests received (under /api), whatever their outcome; the page and /health are not counted. */
  total: number;
  /** e.g. `{"POST /api/activities": 3, "GET /api/contacts": 3}`. */
  byRoute: Record<string, number>;
  /** Responses by status code, e.g. `{"201": 3, "503": 1}`; a response cut by `lostResponseRate` has none. */
  byStatus: Record<string, number>;
}

const COLLECTIONS = new Set(['users', 'contacts', 'activities']);

/** Counts API requests so benchmarks can report CRM requests per logged call. */
export class RequestStats {
  private stats: CrmStats = { total: 0, byRoute: {}, byStatus: {} };

  /** Mount before the fault injector and auth, so rejected requests count too: they cost the CRM a request. */
  middleware(): RequestHandler {
    return (req, res, next) => {
      this.stats.total++;
      const route = routeKey(req.method, req.originalUrl);
      this.stats.byRoute[route] = (this.stats.byRoute[route] ?? 0) + 1;
      res.on('finish', () => {
        const status = String(res.statusCode);
        this.stats.byStatus[status] = (this.stats.byStatus[status] ?? 0) + 1;
      });
      next();
    };
  }

  snapshot(): CrmStats {
    return structuredClone(this.stats);
  }

  reset(): void {
    this.stats = { total: 0, byRoute: {}, byStatus: {} };
  }
}

/** `GET /api/activities/act_000007?x=1` -> `GET /api/activities/:id`; unknown paths share one bucket. */
function routeKey(method: string, url: string): string {
  const [, api, collection, id, ...rest] = url.split('?')[0].split('/');
  if (api !== 'api' || rest.length > 0) return `${method} /api/*`;
  if (collection === 'me') return `${method} /api/me`;
  if (!COLLECTIONS.has(collection)) return `${method} /api/*`;
  return id ? `${method} /api/${collection}/:id` : `${method} /api/${collection}`;
}
