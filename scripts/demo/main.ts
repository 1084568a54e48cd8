import { DEMO_API_KEY } from '../../sim/crm';
import { DemoUsageError, parseDemoOptions } from './demo-options';
import { requestJson, waitUntilUp } from './http-json';
import { type DemoStack, startLocalStack } from './local-stack';
import { onboardDemoAccount } from './onboarding';
import { type DemoSummary, listCallLogs, renderSummary, summarise } from './summary';
import { placeCalls } from './traffic';

/**
 * `npm run demo`: the whole loop in one command — service, RingCentral simulator and sample CRM on free local ports,
 * a demo account onboarded through the admin API only, a mixed day of calls, and a summary of what was logged.
 * Exit code 0 when every admitted call was logged.
 */
async function main(): Promise<number> {
  const options = parseDemoOptions(process.argv.slice(2));
  const out = (line = '') => process.stdout.write(`${line}\n`);
  let stack: DemoStack | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (stack) {
      out('\nStopping the service, the simulator and the sample CRM...');
      await stack.stop();
    }
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(130));
  process.once('SIGTERM', () => void stop(143));

  if (options.serviceUrl) {
    stack = undefined;
    out('Using running services:');
    await Promise.all([waitUntilUp(`${options.serviceUrl}/health`, 180_000), waitUntilUp(`${options.simUrl}/sim/health`), waitUntilUp(`${options.crmUrl}/health`)]);
  } else {
    out('Starting the service (embedded PostgreSQL), the RingCentral simulator and the sample CRM on free local ports...');
    stack = await startLocalStack(options.seed);
  }
  const urls = {
    serviceUrl: options.serviceUrl ?? stack!.serviceUrl,
    simUrl: options.simUrl ?? stack!.simUrl,
    crmUrl: options.crmUrl ?? stack!.crmUrl,
  };
  out(`  service ${urls.serviceUrl}   RingCentral simulator ${urls.simUrl}   sample CRM ${urls.crmUrl}`);

  out('\nOnboarding a demo account through the admin API, as an admin would:');
  const account = await onboardDemoAccount(urls, options.crmApiKey ?? stack?.crmApiKey ?? DEMO_API_KEY, out);

  out(`\nPlaying ${options.calls} calls at ${options.rate} per second...`);
  const crmBefore = (await requestJson<{ total: number }>('GET', `${urls.crmUrl}/stats`)).total;
  const bar = (label: string, done: number, total: number) => {
    const width = 30;
    const filled = total ? Math.round((done / total) * width) : width;
    process.stdout.write(`\r  ${label.padEnd(8)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}   `);
  };
  const calls = await placeCalls(urls.simUrl, account.simAccountId, options.calls, options.rate, (placed) => bar('placed', placed, options.calls));
  out();
  const legsEnded = calls.reduce((n, c) => n + c.legs.length, 0);

  // Wait until every ended leg has a final status (logged, skipped or failed), showing progress.
  const deadline = Date.now() + Math.max(60_000, options.calls * 200);
  let items = await listCallLogs(urls.serviceUrl, account.adminToken);
  for (;;) {
    const settled = items.filter((i) => i.status === 'logged' || i.status === 'skipped' || i.status === 'failed').length;
    bar('settled', Math.min(settled, legsEnded), legsEnded);
    if ((items.length >= legsEnded && settled === items.length) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 1000));
    items = await listCallLogs(urls.serviceUrl, account.adminToken);
  }
  out();

  const crmRequests = (await requestJson<{ total: number }>('GET', `${urls.crmUrl}/stats`)).total - crmBefore;
  const activities = await requestJson<{ activities: unknown[] }>('GET', `${urls.crmUrl}/api/activities`, { headers: { 'X-API-Key': account.crmApiKey } });
  const summary: DemoSummary = summarise(options.calls, legsEnded, items, crmRequests, activities.activities.length, {
    adminDocs: `${urls.serviceUrl}/docs`,
    callLogs: `${urls.serviceUrl}/admin/call-logs`,
    sampleCrm: `${urls.crmUrl}/`,
  }, new Map(calls.flatMap((c) => c.legs.map((l) => [`${l.telephonySessionId}:${l.extensionId}`, c.sentAt] as const))));
  out('\nSummary');
  out(renderSummary(summary));
  if (options.json) out(`DEMO_SUMMARY ${JSON.stringify(summary)}`);
  const ok = summary.failed === 0 && summary.pending === 0 && summary.logged === summary.crmActivities;
  if (!ok) out('\nNot every admitted call was logged: see the failed or pending calls in the admin API.');

  if (options.keep) {
    out(`\nStill running (--keep).`);
    out(`  Admin console: ${urls.serviceUrl}/console/ → "Sign in with RingCentral", then on the simulator's page pick`);
    out(`    Alice Anderson (admin) of account ${account.simAccountId}; Bob Brown shows what a user who is not an admin sees.`);
    out(`  Sample CRM page: ${urls.crmUrl}/`);
    out(`  Admin token for the API (/docs): ${account.adminToken}\nPress Ctrl-C to stop.`);
    return new Promise<number>(() => undefined);
  }
  await stop(ok ? 0 : 1);
  return ok ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`\n${error instanceof DemoUsageError ? error.message : `The demo failed: ${(error as Error)?.message ?? String(error)}`}\n`);
  process.exit(error instanceof DemoUsageError ? 2 : 1);
});
