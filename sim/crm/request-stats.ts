import type { RequestHandler } from 'express';

export interface CrmStats {
  /** API requests received (under /api), whatever their outcome; the page and /health are not counted. */
  total: number;
  /** e.g. `{"POST /api/activities": 3, "GET /api/contacts": 3}`. */
  byRoute: Record<string, number>;
  /** Responses by status code, e.g. `{"201": 3, "503": 1}`; a response cut by `lostResponseRate` has none. */
  byStatus: Record<string, number>;
  /**
   * The most API requests ever in progress at once for one credential (one account's key: the Authorization or
   * X-API-Key header), counted from arrival to the end of the response. What a CRM's per-tenant concurrency limit sees.
   */
  maxInFlightPerKey: number;
}

const COLLECTIONS = new Set(['users', 'contacts', 'activities']);

/** Counts API requests so benchmarks can report CRM requests per logged call. */
export class RequestStats {
  private stats: CrmStats = { total: 0, byRoute: {}, byStatus: {}, maxInFlightPerKey: 0 };
  private readonly inFlight = new Map<string, number>();

  /** Mount before the fault injector and auth, so rejected requests count too: they cost the CRM a request. */
  middleware(): RequestHandler {
    return (req, res, next) => {
      this.stats.total++;
      const route = routeKey(req.method, req.originalUrl);
      this.stats.byRoute[route] = (this.stats.byRoute[route] ?? 0) + 1;
      const key = String(req.headers.authorization ?? req.headers['x-api-key'] ?? '');
      const now = (this.inFlight.get(key) ?? 0) + 1;
      this.inFlight.set(key, now);
      this.stats.maxInFlightPerKey = Math.max(this.stats.maxInFlightPerKey, now);
      let done = false;
      const end = (): void => {
        if (done) return;
        done = true;
        const left = (this.inFlight.get(key) ?? 1) - 1;
        if (left > 0) this.inFlight.set(key, left);
        else this.inFlight.delete(key);
      };
      res.on('finish', () => {
        end();
        const status = String(res.statusCode);
        this.stats.byStatus[status] = (this.stats.byStatus[status] ?? 0) + 1;
      });
      res.on('close', end);
      next();
    };
  }

  snapshot(): CrmStats {
    return structuredClone(this.stats);
  }

  reset(): void {
    this.stats = { total: 0, byRoute: {}, byStatus: {}, maxInFlightPerKey: 0 };
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
