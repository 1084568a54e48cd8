import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A route the application's HTTP adapter (FastPathExpressAdapter, registered by `createApp`) hands its requests to
 * ahead of Express, and so of the router, the body parser and the request logger: for a route so hot that their
 * per-request work matters (the RingCentral webhook). The application still owns it (same process, same error bodies,
 * documented in /docs through `openApiPaths`). A feature module provides its implementation under this token;
 * bootstrap does not import the feature.
 */
export abstract class HttpFastPath {
  abstract matches(req: IncomingMessage): boolean;
  abstract handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** OpenAPI `paths` entries describing the route(s). */
  abstract openApiPaths(): Record<string, unknown>;
}
