export interface DemoOptions {
  calls: number;
  /** Calls started per second. */
  rate: number;
  keep: boolean;
  /** Print the summary as one JSON line too (for tests and scripts). */
  json: boolean;
  seed: number;
  /** Use running services instead of starting them (docker compose): all three or none. */
  serviceUrl?: string;
  simUrl?: string;
  crmUrl?: string;
  crmApiKey?: string;
}

const HELP = `npm run demo -- [--calls N] [--rate R] [--keep] [--json]
  --calls N      calls to place (default 300)
  --rate R       calls started per second (default 20)
  --keep         leave the service, simulator and sample CRM running after the summary (Ctrl-C stops them)
  --json         also print the summary as one JSON line
  --service-url, --sim-url, --crm-url, --crm-api-key
                 drive services that are already running (the docker compose "demo" service) instead of starting them`;

export class DemoUsageError extends Error {}

export function parseDemoOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): DemoOptions {
  const options: DemoOptions = {
    calls: 300,
    rate: 20,
    keep: false,
    json: false,
    seed: 2026,
    serviceUrl: env.DEMO_SERVICE_URL,
    simUrl: env.DEMO_SIM_URL,
    crmUrl: env.DEMO_CRM_URL,
    crmApiKey: env.DEMO_CRM_API_KEY,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new DemoUsageError(`${arg} needs a value\n\n${HELP}`);
      return v;
    };
    const positive = (name: string, v: string) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new DemoUsageError(`${name} must be a positive number, got "${v}"`);
      return n;
    };
    switch (arg) {
      case '--calls':
        options.calls = Math.round(positive('--calls', value()));
        break;
      case '--rate':
        options.rate = positive('--rate', value());
        break;
      case '--seed':
        options.seed = Math.round(positive('--seed', value()));
        break;
      case '--keep':
        options.keep = true;
        break;
      case '--json':
        options.json = true;
        break;
      case '--service-url':
        options.serviceUrl = value();
        break;
      case '--sim-url':
        options.simUrl = value();
        break;
      case '--crm-url':
        options.crmUrl = value();
        break;
      case '--crm-api-key':
        options.crmApiKey = value();
        break;
      case '--help':
      case '-h':
        throw new DemoUsageError(HELP);
      default:
        throw new DemoUsageError(`unknown option ${arg}\n\n${HELP}`);
    }
  }
  const external = [options.serviceUrl, options.simUrl, options.crmUrl].filter(Boolean).length;
  if (external !== 0 && external !== 3) throw new DemoUsageError('give all of --service-url, --sim-url and --crm-url, or none');
  return options;
}
