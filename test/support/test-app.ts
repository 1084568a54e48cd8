import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/bootstrap';
import { buildAppConfig, type AppConfig } from '../../src/config/app-config';
import { validateEnv } from '../../src/config/env.schema';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface TestApp {
  app: INestApplication;
  url: string;
  config: AppConfig;
  db: TestDatabase;
  close(): Promise<void>;
}

export const TEST_ENCRYPTION_KEY = randomBytes(32).toString('base64');
export const TEST_HASH_KEY = 'test-hash-key-0123456789';

/** Boots the whole application on a free port against its own cloned database, as `npm start` would. */
export async function startTestApp(env: Record<string, string> = {}, existing?: TestDatabase): Promise<TestApp> {
  const db = existing ?? (await createTestDatabase());
  const parsed = validateEnv({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    HASH_KEY: TEST_HASH_KEY,
    // The simulators and sample CRM run on loopback (refused by default); a test that checks the refusal overrides it.
    OUTBOUND_ALLOW_PRIVATE: 'true',
    ...env,
    DATABASE_URL: db.url,
  });
  const config = buildAppConfig(parsed, { databaseUrl: db.url, embedded: false, encryptionKey: parsed.ENCRYPTION_KEY!, hashKey: parsed.HASH_KEY! });
  const app = await createApp(config);
  await app.listen(env.PORT ? Number(env.PORT) : 0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  if (!env.PUBLIC_BASE_URL) config.app.publicBaseUrl = url;
  return {
    app,
    url,
    config,
    db,
    close: async () => {
      await app.close();
      if (!existing) await db.drop();
    },
  };
}
