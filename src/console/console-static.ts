import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';

/** Paths under /console that are the service's own routes (ConsoleOAuthController), not pages of the front-end. */
const SERVER_ROUTES = /^\/(oauth\/|session$)/;

/**
 * The built console (`npm run build` puts Vite's output in dist/console). From dist/src/console that is two levels
 * up; under ts-jest (sources, no __dirname in ESM) it is dist/console of the working directory.
 */
export function consoleDistDir(): string {
  const here = typeof __dirname === 'string' ? resolve(__dirname, '..', '..') : undefined;
  if (here && basename(here) === 'dist') return join(here, 'console');
  return join(process.cwd(), 'dist', 'console');
}

// Everything the page loads is its own bundle; nothing from elsewhere (no CDN, no runtime fetches but the service).
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/**
 * Serves the console at /console: hashed assets with a long cache, every other GET the single-page app's
 * index.html (its router decides), `/` redirected there. Registered before Nest's routes, so it only answers paths
 * that are not the service's own.
 */
export function consoleMiddleware(dir = consoleDistDir()): (req: Request, res: Response, next: NextFunction) => void {
  const assets = express.static(dir, { index: false, fallthrough: true, immutable: true, maxAge: '365d' });
  const index = join(dir, 'index.html');
  const sendIndex = (res: Response) => {
    if (!existsSync(index)) {
      res.status(503).json({ error: { code: 'UNAVAILABLE', message: 'The console is not built: run `npm run build`' } });
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.sendFile(index);
  };
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path === '/' || req.path === '/console') return res.redirect(302, '/console/');
    if (!req.path.startsWith('/console/')) return next();
    const rest = req.path.slice('/console'.length);
    if (SERVER_ROUTES.test(rest)) return next();
    if (rest === '/' || rest === '/index.html') return sendIndex(res);
    const originalUrl = req.url;
    req.url = req.url.slice('/console'.length);
    assets(req, res, () => {
      req.url = originalUrl;
      // A missing file with an extension is a missing asset; anything else is a page of the app.
      if (/\.[a-z0-9]+$/i.test(rest)) return res.status(404).json({ error: { code: 'NOT_FOUND', message: `No console file ${rest}` } });
      sendIndex(res);
    });
  };
}
