import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { consoleMiddleware } from './console-static';

describe('consoleMiddleware', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-dist-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'app-1.js'), 'export const app = 1;');
    const app = express();
    app.use(consoleMiddleware(dir));
    app.use((req, res) => res.status(404).json({ fellThrough: req.url }));
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('redirects / and /console to /console/', async () => {
    for (const path of ['/', '/console']) {
      const res = await fetch(`${base}${path}`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('/console/');
    }
  });

  it('serves assets, and index.html for any page of the app', async () => {
    const asset = await fetch(`${base}/console/assets/app-1.js`);
    expect(await asset.text()).toBe('export const app = 1;');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    for (const path of ['/console/', '/console/calls/123', '/console/setup']) {
      const page = await fetch(`${base}${path}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toBe('<div id="root"></div>');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    }
  });

  it('answers 404 for a missing asset, and leaves the service routes and other paths alone', async () => {
    expect((await fetch(`${base}/console/assets/missing.js`)).status).toBe(404);
    for (const path of ['/console/session', '/console/oauth/login', '/admin/settings']) {
      const res = await fetch(`${base}${path}`, { redirect: 'manual' });
      expect(await res.json()).toEqual({ fellThrough: path });
    }
    const post = await fetch(`${base}/console/calls`, { method: 'POST' });
    expect(await post.json()).toEqual({ fellThrough: '/console/calls' });
  });
});
