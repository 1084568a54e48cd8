import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { HttpFastPath } from './http-fast-path';

/**
 * Nest's Express adapter, with the HTTP server it creates handing a request an `HttpFastPath` claims to that route
 * and every other request to Express, as the plain adapter does. Nest owns the route (the application's module
 * provides it, `createApp` registers it through the adapter, /docs describes it); only the dispatch is ahead of
 * Express. Measured for the RingCentral webhook (bench/README.md, "Webhook ahead of Express again"): as the first
 * Express middleware a notification cost twice the CPU, half of it Express's per-request work.
 *
 * Plain HTTP only: `createApp` passes neither `httpsOptions` (TLS ends at the proxy in front) nor the shutdown options.
 */
export class FastPathExpressAdapter extends ExpressAdapter {
  private fastPath?: HttpFastPath;

  /** Answers `fastPath`'s requests ahead of Express from now on. */
  serveAhead(fastPath: HttpFastPath): void {
    this.fastPath = fastPath;
  }

  override initHttpServer(options: NestApplicationOptions): void {
    if (options.httpsOptions || options.forceCloseConnections || options.return503OnClosing) {
      throw new Error('FastPathExpressAdapter serves plain HTTP without the shutdown options');
    }
    const express = this.getInstance<(req: IncomingMessage, res: ServerResponse) => void>();
    this.httpServer = createServer((req, res) => {
      if (this.fastPath?.matches(req)) return void this.fastPath.handle(req, res);
      express(req, res);
    });
  }
}
