// Runs the App Connect test server on its own, from the repository root:
//   npm run build && node dist/sim/app-connect/main.js
//   PORT (default 6066; 0 = any free port), HOST (default 127.0.0.1), APP_CONNECT_JWT_SECRET (random by default).
// It prints its URL and a JWT for the default admin user, to paste into an app-connect connector config.
import { startAppConnectServer } from './index';

async function main(): Promise<void> {
  const env = process.env;
  const server = await startAppConnectServer({
    port: Number(env.PORT ?? 6066),
    host: env.HOST || '127.0.0.1',
    ...(env.APP_CONNECT_JWT_SECRET && { jwtSecret: env.APP_CONNECT_JWT_SECRET }),
  });
  console.log(`App Connect test server listening on ${server.url}`);
  console.log(`JWT for admin-1: ${server.issueJwt()}`);
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error('App Connect test server failed to start:', err);
  process.exit(1);
});
