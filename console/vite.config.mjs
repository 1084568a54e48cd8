// The admin console's build (React + Vite). `npm run build` runs it after `nest build`: the output goes to
// dist/console, which the service serves at /console. `npx vite --config console/vite.config.mjs` is the dev server,
// proxying the service's routes to CONSOLE_API (default http://localhost:3000).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const api = process.env.CONSOLE_API ?? 'http://localhost:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  // JSX through Vite's own transformer (no Babel plugin needed).
  oxc: { jsx: { runtime: 'automatic' } },
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: {
    port: 5173,
    proxy: { '/admin': api, '/console/oauth': api, '/console/session': api },
  },
});
