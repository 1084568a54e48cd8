import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { InputGuardPipe } from './common/http/input-guard';
import { FastPathExpressAdapter } from './common/http/fast-path.adapter';
import { HttpFastPath } from './common/http/http-fast-path';
import { answerUnparsableRequests } from './common/http/unparsable-requests';
import { createValidationPipe } from './common/http/validation.pipe';
import { AppLogger } from './common/logging/app-logger';
import { requestLogger } from './common/logging/logger.options';
import { consoleMiddleware } from './console/console-static';
import { type AppConfig, buildAppConfig, runsHttpApi } from './config/app-config';
import type { Env } from './config/env.schema';
import { loadOrCreateSecrets } from './config/secrets';
import { startEmbeddedPostgres } from './database/embedded-postgres.launcher';
import { runMigrations } from './database/migration-runner';

export interface Runtime {
  config: AppConfig;
  /** Stops what prepareRuntime started (the embedded database), if anything. */
  release(): Promise<void>;
}

export class StartupError extends Error {}

/**
 * Everything that must hold before Nest starts: a database (the embedded one when DATABASE_URL is unset, with its
 * generated secrets) and an up-to-date schema.
 */
export async function prepareRuntime(env: Env, log: (line: string) => void = () => undefined): Promise<Runtime> {
  let release = async () => undefined as void;
  let runtime;
  if (env.DATABASE_URL) {
    runtime = { databaseUrl: env.DATABASE_URL, embedded: false, encryptionKey: env.ENCRYPTION_KEY!, hashKey: env.HASH_KEY! };
  } else {
    const secrets = await loadOrCreateSecrets(env.DATA_DIR);
    const db = await startEmbeddedPostgres({ dataDir: env.DATA_DIR, password: secrets.databasePassword, onLog: log }).catch(
      (error: unknown) => {
        throw new StartupError(`Could not start the embedded database in DATA_DIR (${env.DATA_DIR}): ${(error as Error).message}`);
      },
    );
    release = db.stop;
    runtime = {
      databaseUrl: db.url,
      embedded: true,
      encryptionKey: env.ENCRYPTION_KEY ?? secrets.encryptionKey,
      hashKey: env.HASH_KEY ?? secrets.hashKey,
    };
  }
  try {
    await runMigrations(runtime.databaseUrl);
  } catch (error) {
    await release();
    const where = env.DATABASE_URL ? 'DATABASE_URL' : `the embedded database in DATA_DIR (${env.DATA_DIR})`;
    throw new StartupError(`Could not prepare ${where}: ${(error as Error).message}`);
  }
  return { config: buildAppConfig(env, runtime), release };
}

/** Builds the Nest application for a resolved configuration (used by main.ts and by the e2e tests). */
export async function createApp(config: AppConfig, options: { bufferLogs?: boolean } = {}): Promise<INestApplication> {
  const adapter = new FastPathExpressAdapter();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: options.bufferLogs ?? true,
    bodyParser: false,
  });
  const requests = requestLogger(config.app.logLevel);
  app.useLogger(new AppLogger(requests.logger));
  app.disable('x-powered-by');
  // The RingCentral webhook (WebhookIntake) is handed over by the adapter's HTTP server before Express sees the request.
  const fastPath = runsHttpApi(config.app.role) ? app.get(HttpFastPath, { strict: false }) : undefined;
  if (fastPath) adapter.serveAhead(fastPath);
  const server = app.getHttpServer() as Server;
  keepConnectionsOpen(server);
  answerUnparsableRequests(server);
  // Bodies above 1 MiB are refused with 413 (RingCentral notifications are a few KiB).
  app.useBodyParser('json', { limit: '1mb' });
  app.useBodyParser('urlencoded', { limit: '1mb', extended: false });
  // Strings, depth and size first (iteratively), then the DTOs: a hostile body never reaches the recursive validators.
  app.useGlobalPipes(new InputGuardPipe(), createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  // The admin console's pages (issue 15), in the processes that serve the admin API.
  if (runsHttpApi(config.app.role)) app.use(consoleMiddleware());
  if (!runsHttpApi(config.app.role)) {
    // A worker keeps /health and /metrics for probes and scraping; it serves nothing else.
    app.use((req: { path: string }, res: { status(code: number): { json(body: unknown): void } }, next: () => void) =>
      req.path === '/health' || req.path === '/metrics' ? next() : res.status(404).json({ error: { code: 'NOT_FOUND', message: 'This process runs with ROLE=worker' } }),
    );
  }
  app.use(requests);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Server-side call logging')
      .setDescription('Admin API, RingCentral webhook intake and operations endpoints.')
      .setVersion('0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'RingCentral access token of an account admin' })
      .build(),
  );
  if (fastPath) Object.assign(document.paths, fastPath.openApiPaths());
  SwaggerModule.setup('docs', app, document);
  return app;
}

/** How long an idle keep-alive connection is kept: longer than the 60 s idle timeout of common load balancers. */
export const KEEP_ALIVE_SECONDS = 65;

/**
 * Node closes an idle keep-alive connection after 5 s by default. A sender that reuses the connection at that moment
 * (RingCentral's webhook deliveries, a load balancer's pooled upstream connection) gets a reset instead of an answer,
 * and RingCentral counts a failed delivery. Idle connections are kept past the balancers' 60 s (AWS ALB, nginx's
 * upstream keepalive_timeout); headersTimeout must stay above keepAliveTimeout (Node's documentation of
 * `server.headersTimeout`).
 */
function keepConnectionsOpen(server: Server): void {
  server.keepAliveTimeout = KEEP_ALIVE_SECONDS * 1000;
  server.headersTimeout = (KEEP_ALIVE_SECONDS + 1) * 1000;
}
