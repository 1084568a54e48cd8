// Runs one simulated App Connect plugin on its own: `npm run build && node dist/sim/plugin/main.js`.
//   PORT              port to listen on (default 6066, the template's; 0 = any free port)
//   HOST              interface (default 127.0.0.1; 0.0.0.0 inside a container)
//   PLUGIN_MODE       sync (default) or async
//   PLUGIN_SECRET     HS256 key for the plugin JWTs (default: random, so tokens die with the process)
//   PLUGIN_ID, PLUGIN_NAME   the plugin id (token claim) and manifest name
//   PLUGIN_CALLBACK_DELAY_MS delay before an async plugin calls back (default 2000)
//   PLUGIN_PUBLIC_URL base of the manifest URLs when callers use another host name (e.g. http://plugin:6066)
//   RC_SERVER_URL     when set, registration checks the admin's token against this RingCentral (or simulator) URL
// Start two (one per mode, on two ports) to try two plugins.
import { ringCentralTokenVerifier, startPluginServer, type PluginMode } from './index';

async function main(): Promise<void> {
  const env = process.env;
  const mode = (env.PLUGIN_MODE || 'sync') as PluginMode;
  if (mode !== 'sync' && mode !== 'async') throw new Error(`PLUGIN_MODE must be sync or async, not ${mode}`);
  if (!env.PLUGIN_SECRET) console.warn('PLUGIN_SECRET is not set: using a random key, tokens will not survive a restart');
  const plugin = await startPluginServer({
    port: Number(env.PORT ?? 6066),
    host: env.HOST || '127.0.0.1',
    mode,
    secret: env.PLUGIN_SECRET || undefined,
    pluginId: env.PLUGIN_ID || undefined,
    name: env.PLUGIN_NAME || undefined,
    publicUrl: env.PLUGIN_PUBLIC_URL || undefined,
    async: { delayMs: Number(env.PLUGIN_CALLBACK_DELAY_MS ?? 2000) },
    verifyRcToken: env.RC_SERVER_URL ? ringCentralTokenVerifier(env.RC_SERVER_URL) : undefined,
  });
  console.log(`Plugin simulator (${mode}, id ${plugin.pluginId}) listening on ${plugin.url}`);
  console.log('Manifest entry to install:');
  console.log(JSON.stringify(plugin.manifest(), null, 2));

  const stop = (): void => {
    void plugin.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error('plugin simulator failed to start:', err);
  process.exit(1);
});
