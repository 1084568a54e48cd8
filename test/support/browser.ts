import { existsSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's Chromium (package `chromium`), never a browser download: CHROMIUM_PATH, else the first chromium-like
 * executable on PATH. `.ci/run` installs the package when none is found.
 */
export function findChromium(): string {
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`CHROMIUM_PATH=${explicit} does not exist`);
    return explicit;
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
      const candidate = join(dir, name);
      if (dir && existsSync(candidate)) return candidate;
    }
  }
  throw new Error('No Chromium found: install Debian\'s package (apt-get install -y chromium) or set CHROMIUM_PATH');
}

/**
 * Headless, sandbox off (CI runs as root), and none of Chromium's own network chatter (update checks, sync, QUIC)
 * that a closed network refuses. Playwright gives each launch a fresh, empty profile directory.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export const SCREENSHOT_DIR = join(process.cwd(), 'test-results', 'console');
export const WIDTHS = [1280, 390] as const;

/** A full-page screenshot at each width (test-results/console/<name>-<width>.png), back at 1280 afterwards. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    // Let the layout settle at the new width (two frames) before the shot.
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}
