import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';

/** What still stands between this deployment and logging real calls, in the words of the step that fixes it. */
export async function missingForRealCalls(app: INestApplication, config: AppConfig): Promise<string[]> {
  const missing: string[] = [];
  if (!config.ringcentral.clientId || !config.ringcentral.clientSecret) {
    missing.push(`RingCentral app credentials: set RINGCENTRAL_CLIENT_ID and RINGCENTRAL_CLIENT_SECRET (JWT auth, and authorization code with redirect URI ${config.app.publicBaseUrl}/console/oauth/callback for the console; README "Run it for real")`);
  }
  if (config.ringcentral.transport === 'webhook' && (config.app.publicBaseUrl.includes('localhost') || config.app.publicBaseUrl.includes('127.0.0.1'))) {
    missing.push(
      `a PUBLIC_BASE_URL RingCentral can reach (now ${config.app.publicBaseUrl}): webhooks are posted to <PUBLIC_BASE_URL>/webhooks/ringcentral — or RINGCENTRAL_TRANSPORT=websocket, which needs no public address`,
    );
  }
  const [row] = await app
    .get(DataSource)
    .query(`SELECT count(*) FILTER (WHERE rc_credentials IS NOT NULL)::int AS connected, count(*) FILTER (WHERE connector_id IS NOT NULL)::int AS with_connector, count(*) FILTER (WHERE enabled)::int AS enabled FROM accounts`);
  // The console's pages, and the admin API route behind each for scripts.
  if (!row.connected) missing.push("an admin's RingCentral connection: console Setup (the service user's JWT), or PUT /admin/ringcentral/credentials { jwt }");
  if (!row.with_connector) missing.push('a CRM connector: console Setup, or PATCH /admin/settings { connector: { id, config } } then PUT /admin/server-logging-settings');
  if (!row.enabled) missing.push('logging switched on: console Logging, or PATCH /admin/settings { enabled: true }');
  return missing;
}
