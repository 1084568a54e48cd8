// Runs the sample CRM on its own: `npm run build && node dist/sim/crm/main.js --demo`.
//   PORT           port to listen on (default 4010; 0 = any free port)
//   HOST           interface (default 127.0.0.1; 0.0.0.0 inside a container)
//   CRM_API_KEY    accepted API key (default the demo key, printed below)
//   CRM_DEMO_DATA  "1" (or the --demo flag) loads the demo users and contacts; it starts empty otherwise
//   CRM_LATENCY_MS, CRM_ERROR_RATE, CRM_SEED  fault knobs for manual experiments
import { DEMO_API_KEY, startSampleCrm } from './index';

async function main(): Promise<void> {
  const env = process.env;
  const apiKey = env.CRM_API_KEY || DEMO_API_KEY;
  const crm = await startSampleCrm({
    port: Number(env.PORT ?? 4010),
    host: env.HOST || '127.0.0.1',
    apiKeys: [apiKey],
    demoData: process.argv.includes('--demo') || env.CRM_DEMO_DATA === '1',
    latencyMs: Number(env.CRM_LATENCY_MS ?? 0),
    errorRate: Number(env.CRM_ERROR_RATE ?? 0),
    seed: Number(env.CRM_SEED ?? 1),
  });
  console.log(`Sample CRM listening on ${crm.url} (API ${crm.apiUrl}, activities page ${crm.url}/)`);
  // The key is printed only when it is the well-known demo key; a key from the environment stays secret.
  if (!env.CRM_API_KEY) console.log(`API key: ${DEMO_API_KEY}`);

  const stop = (): void => {
    void crm.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error('sample CRM failed to start:', err);
  process.exit(1);
});
