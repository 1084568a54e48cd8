// What other modules use of plugins: the admin API (PluginAdminService) and the logging pipeline (chain, async tasks).
export { PluginsModule } from './plugins.module';
export { PluginAdminService } from './plugin-admin.service';
export { PluginChainService, type PluginRun, type SyncChainInput, type SyncChainResult, type SyncOutcome } from './plugin-chain.service';
export { AsyncPluginService, type DispatchResult, type ScheduleInput } from './async-plugin.service';
export type { AsyncPluginTask } from './async-plugin-task.repository';
export { honouredFields } from './plugin-payload.validation';
export type * from './plugin.types';
