import type { AppConfig } from '../config/app-config';

/** The short block `npm start` prints: where the service is and what it still needs. */
export function printStartupBanner(config: AppConfig, listeningUrl: string, missing: string[]): void {
  const lines = [
    '',
    `  Server-side call logging is running (ROLE=${config.app.role})`,
    `  HTTP            ${listeningUrl}`,
    ...(config.app.role !== 'worker' ? [`  Admin console   ${listeningUrl}/console   (sign in with RingCentral)`] : []),
    `  Admin API docs  ${listeningUrl}/docs`,
    `  Health          ${listeningUrl}/health     Metrics ${listeningUrl}/metrics`,
    `  Database        ${config.database.embedded ? `embedded PostgreSQL in ${config.database.dataDir}` : 'DATABASE_URL'}`,
  ];
  if (missing.length) {
    lines.push('', '  To log real calls you still need:', ...missing.map((m) => `    - ${m}`), '', '  Or try the whole loop on simulators first: npm run demo');
  } else {
    lines.push('', '  Logging is on for at least one account.');
  }
  console.log(lines.join('\n') + '\n');
}
