import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ringCentralTokenVerifier, startPluginServer, type PluginServer } from '../../sim/plugin';
import type { SimAccount } from '../../sim/ringcentral/sim-types';
import { launchChromium, screenshots } from '../support/browser';
import { DEMO_PEOPLE, startStack, type Stack } from '../support/stack';

/**
 * Issue 15's "done when", in a real browser (playwright-core driving Debian's Chromium) against the real service,
 * the RingCentral simulator and the sample CRM: an admin signs in on the simulator's page and, through the pages
 * only, goes from nothing to logging; calls appear, a skipped one says why, failed ones are retried once the CRM
 * recovers; a non-admin sees nothing; a session of one account cannot read another's; a change without the CSRF
 * token is refused. Every page is saved as a screenshot at 1280 and 390 px (test-results/console/).
 */
describe('admin console in a browser (Chromium e2e)', () => {
  let stack: Stack;
  let browser: Browser;
  let simA: SimAccount;
  let simB: SimAccount;
  let admin: BrowserContext;
  let page: Page;
  let callIdOfA: string;
  let plugin: PluginServer;
  let manifestHost: Server;
  let manifestUrl: string;

  const url = (path: string) => `${stack.app.url}${path}`;
  const nav = (name: string) => page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name, exact: true }).click();
  const heading = (p: Page, name: string) => p.getByRole('heading', { level: 1, name }).waitFor();
  const row = (number: string) => page.locator('tbody tr', { hasText: number });

  async function signIn(p: Page, account: SimAccount, userName: string, isAdmin: boolean): Promise<void> {
    await p.goto(url('/'));
    await p.getByRole('link', { name: 'Sign in with RingCentral' }).click();
    await p.getByRole('button', { name: `Sign in as ${userName} (${isAdmin ? 'admin' : 'not an admin'}) of account ${account.id}` }).click();
  }

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await context.newPage();
    p.setDefaultTimeout(60_000);
    return { context, page: p };
  }

  beforeAll(async () => {
    stack = await startStack();
    simA = stack.sim.addAccount({ users: DEMO_PEOPLE });
    simB = stack.sim.addAccount({ users: DEMO_PEOPLE });
    // A plugin whose registration checks the admin's RingCentral token with the simulator, and its manifest
    // published at a URL, as a plugin vendor would.
    plugin = await startPluginServer({ mode: 'sync', pluginId: 'notes', name: 'notes', transform: { appendToNote: '[notes]' }, verifyRcToken: ringCentralTokenVerifier(stack.sim.url) });
    manifestHost = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(plugin.manifest())));
    await new Promise<void>((resolve) => manifestHost.listen(0, '127.0.0.1', resolve));
    manifestUrl = `http://127.0.0.1:${(manifestHost.address() as AddressInfo).port}/manifest.json`;
    browser = await launchChromium();
    ({ context: admin, page } = await newPage());
  });
  afterAll(async () => {
    await browser?.close();
    await plugin?.close();
    await new Promise((resolve) => (manifestHost ? manifestHost.close(resolve) : resolve(undefined)));
    await stack?.close();
  });

  it('signs the admin in through the simulator’s sign-in page', async () => {
    await page.goto(url('/'));
    expect(new URL(page.url()).pathname).toBe('/console/');
    await heading(page, 'Sign in');
    await screenshots(page, 'sign-in');
    await page.getByRole('link', { name: 'Sign in with RingCentral' }).click();
    expect(page.url()).toContain(`${stack.sim.url}/restapi/oauth/authorize`);
    await screenshots(page, 'simulator-sign-in');
    await page.getByRole('button', { name: `Sign in as Alice Anderson (admin) of account ${simA.id}` }).click();
    await heading(page, 'Overview');
    await page.getByRole('heading', { name: 'Get started' }).waitFor();
    expect(await page.getByText(`RingCentral account ${simA.id}`).isVisible()).toBe(true);
    const cookies = await admin.cookies();
    const session = cookies.find((c) => c.name === 'sscl_console')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    await screenshots(page, 'overview-empty');
  });

  it('onboards from nothing to logging through the pages only', async () => {
    await nav('Setup');
    await heading(page, 'Setup');
    await page.getByLabel('JWT credential').fill(stack.sim.issueJwt(simA.id));
    await page.getByRole('button', { name: 'Connect RingCentral' }).click();
    await page.getByText(/Connected: RingCentral accepted the credential/).waitFor();

    await page.getByLabel('Connector').selectOption('sample-crm');
    await page.getByLabel('API base URL').fill(stack.crm.apiUrl);
    await page.getByRole('button', { name: 'Save connector' }).click();
    await page.getByText("Sample CRM is the account's CRM connector.").waitFor();

    await page.getByLabel('API key').fill(stack.crm.issueApiKey());
    await page.getByRole('button', { name: 'Save credentials' }).click();
    await page.getByText('Saved. Secret values are stored encrypted.').waitFor();
    await page.getByText('API key: set').waitFor();
    expect(await page.getByLabel('API key').inputValue()).toBe('');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText(/Connection works: the CRM listed \d+ users/).waitFor();

    await page.getByLabel('Admin CRM user').selectOption('usr_1001');
    await page.getByText('Saved: your CRM user owns the calls of unmapped agents.').waitFor();
    await screenshots(page, 'setup');

    await nav('User mapping');
    await heading(page, 'User mapping');
    await page.getByRole('button', { name: 'Auto-match' }).click();
    await page.getByText(/Auto-match mapped [1-9]\d* users?/).waitFor();
    expect(await page.getByLabel('CRM user of Bob Brown').inputValue()).toBe('usr_1002');
    await screenshots(page, 'user-mapping');

    await nav('Rules');
    await heading(page, 'Rules');
    expect(await page.getByLabel('Internal calls').isChecked()).toBe(false);
    await page.getByText('Calls between two of your extensions are skipped.').waitFor();
    await page.getByRole('button', { name: 'Save rules' }).click();
    await page.getByText('Rules saved.', { exact: false }).waitFor();
    await screenshots(page, 'rules');

    await nav('Logging');
    await heading(page, 'Logging');
    await page.getByLabel('Whole account').check();
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('Logging is on for the whole account.').waitFor();
    await page.locator('.badge.Active').waitFor();
    await screenshots(page, 'logging');
  });

  it('shows calls as they happen, and a skipped one says why', async () => {
    await nav('Calls');
    await heading(page, 'Calls');
    await page.getByText('No calls match.', { exact: false }).waitFor();
    await stack.sim.play(simA.id, 'inbound-answered', { externalNumber: '+14155550123' });
    await stack.sim.play(simA.id, 'internal');
    // No reload: the page polls.
    await row('+14155550123').locator('.badge.logged').waitFor();
    const skipped = page.locator('tbody tr', { has: page.locator('.badge.skipped') }).first();
    await skipped.waitFor();
    expect(await skipped.textContent()).toContain('internal calls are off');
    await screenshots(page, 'calls');
    await skipped.getByRole('link').click();
    await page.locator('.notice', { hasText: 'Skipped: internal calls are off.' }).waitFor();
    await page.locator('.timeline li', { hasText: 'Skipped: internal calls are off.' }).waitFor();
    await screenshots(page, 'call-skipped');
    await page.getByRole('link', { name: '← All calls' }).click();
    await row('+14155550123').getByRole('link').click();
    await page.locator('.notice', { hasText: 'Logged to the CRM.' }).waitFor();
    callIdOfA = new URL(page.url()).pathname.split('/').pop()!;
    await screenshots(page, 'call-logged');
  });

  it('shows failed calls while the CRM refuses them, and retries them once it recovers', async () => {
    await page.goto(url('/console/calls'));
    await heading(page, 'Calls');
    stack.crm.setKnobs({ rejectActivities: true });
    await stack.sim.play(simA.id, 'outbound-answered', { externalNumber: '+14155550177' });
    await row('+14155550177').locator('.badge.failed').waitFor();
    expect(await row('+14155550177').textContent()).toContain('the CRM refused the record as invalid');
    await screenshots(page, 'calls-failed');
    stack.crm.setKnobs({ rejectActivities: false });
    const before = stack.crm.activities().length;
    await page.getByRole('button', { name: 'Retry all failed' }).click();
    await page.getByText('1 failed call is being logged again.').waitFor();
    await row('+14155550177').locator('.badge.logged').waitFor();
    expect(stack.crm.activities().length).toBe(before + 1);
  });

  it('shows the overview and the plugins page', async () => {
    await nav('Overview');
    await page.getByRole('heading', { name: 'Calls per day' }).waitFor();
    await page.getByRole('img', { name: /Bar chart of calls per day over 30 days: [1-9]\d* calls/ }).waitFor();
    await page.locator('.bars-list', { hasText: 'internal calls are off' }).waitFor();
    await screenshots(page, 'overview');
    // The sample CRM's page, where a newcomer looks after the demo: the body column has room to be read.
    const crmPage = await admin.newPage();
    await crmPage.goto(`${stack.crm.url}/`);
    const bodyWidth = await crmPage.locator('td.body').first().evaluate((td) => td.getBoundingClientRect().width);
    expect(bodyWidth).toBeGreaterThan(300);
    await screenshots(crmPage, 'sample-crm');
    await crmPage.close();
    await nav('Plugins');
    await heading(page, 'Plugins');
    await page.getByText('No plugin is installed.').waitFor();
    await page.getByLabel('Manifest URL').fill(manifestUrl);
    await page.getByRole('button', { name: 'Install' }).click();
    await page.locator('.notice', { hasText: 'is installed.' }).waitFor();
    expect(plugin.registrations().length).toBe(1);
    await page.getByLabel('When it fails').first().selectOption('skip');
    await page.getByText('Failure policy saved.').waitFor();
    await page.getByRole('button', { name: 'Check license' }).click();
    await page.getByText(/licensed|Licensed/).first().waitFor();
    await screenshots(page, 'plugins');
  });

  it('refuses a change made with the session cookie but without the CSRF token', async () => {
    const refused = await admin.request.patch(url('/admin/settings'), { data: { logMode: 'single' } });
    expect(refused.status()).toBe(403);
    const settings = await (await admin.request.get(url('/admin/settings'))).json();
    expect(settings.logMode).toBe('staged');
  });

  it('a non-admin is told why and sees no account data', async () => {
    const { context, page: p } = await newPage();
    const adminCalls: string[] = [];
    p.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/admin')) adminCalls.push(r.url());
    });
    await signIn(p, simA, 'Bob Brown', false);
    await heading(p, 'Administrators only');
    await p.getByText('who is not an administrator of RingCentral account', { exact: false }).waitFor();
    await screenshots(p, 'not-admin');
    const text = await p.locator('body').textContent();
    expect(text).not.toContain('+14155550123');
    expect(adminCalls).toEqual([]);
    expect((await context.request.get(url('/admin/call-logs'))).status()).toBe(403);
    await context.close();
  });

  it("a session of another account cannot read this account's calls", async () => {
    const { context, page: p } = await newPage();
    await signIn(p, simB, 'Alice Anderson', true);
    await heading(p, 'Overview');
    expect((await context.request.get(url(`/admin/call-logs/${callIdOfA}`))).status()).toBe(404);
    expect((await (await context.request.get(url('/admin/call-logs'))).json()).items).toEqual([]);
    await p.goto(url(`/console/calls/${callIdOfA}`));
    await p.getByText('Call log not found', { exact: false }).waitFor();
    await context.close();
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await heading(page, 'Sign in');
    expect((await admin.cookies()).find((c) => c.name === 'sscl_console')).toBeUndefined();
    expect((await admin.request.get(url('/admin/settings'))).status()).toBe(401);
  });
});
