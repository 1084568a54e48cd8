import { Module } from '@nestjs/common';
import { AsyncCallbackController } from './async-callback.controller';
import { AsyncPluginTaskRepository } from './async-plugin-task.repository';
import { AsyncPluginService } from './async-plugin.service';
import { AsyncTaskPurgeJob } from './async-task-purge.job';
import { PluginAdminService } from './plugin-admin.service';
import { PluginChainService } from './plugin-chain.service';
import { PluginLicenseService } from './plugin-license.service';
import { PluginClient } from './plugin.client';
import { PluginInvoker } from './plugin.invoker';
import { PluginsRepository } from './plugins.repository';

/**
 * App Connect-compatible plugins (README.md here): install/registration and licence status for the admin API, the sync
 * chain and async tasks for the logging pipeline, and the async callback route. Sits on config, common, database and
 * jobs only; what needs the CRM (appending a callback's note) is done by the logging module through these services.
 */
@Module({
  controllers: [AsyncCallbackController],
  providers: [
    PluginsRepository,
    AsyncPluginTaskRepository,
    PluginClient,
    PluginInvoker,
    PluginLicenseService,
    PluginAdminService,
    PluginChainService,
    AsyncPluginService,
    AsyncTaskPurgeJob,
  ],
  exports: [PluginAdminService, PluginChainService, AsyncPluginService],
})
export class PluginsModule {}
