import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { type AppConfig, runsWorkers } from '../config/app-config';
import { MetricsService } from '../health/metrics.service';
import { JOB_HANDLER_METADATA, type JobContext, type JobHandlerMetadata } from './job-handler.decorator';
import { JOB_NAMES, type JobName } from './job-names';
import { JobQueue } from './job-queue.service';

interface RegisteredHandler extends JobHandlerMetadata {
  owner: string;
  invoke: (data: unknown, context: JobContext) => Promise<void>;
}

export class JobRegistryError extends Error {}

/**
 * Finds every `@JobHandler` at boot, refuses to start when a job name has no handler or two, and (in worker roles)
 * starts the workers.
 */
@Injectable()
export class JobRegistry implements OnApplicationBootstrap {
  private readonly logger = new Logger(JobRegistry.name);
  private handlers = new Map<JobName, RegisteredHandler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly queue: JobQueue,
    private readonly metrics: MetricsService,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.handlers = this.collect();
    if (!runsWorkers(this.config.get('app', { infer: true }).role)) return;
    for (const handler of this.handlers.values()) {
      await this.queue.work(handler.name, { concurrency: handler.concurrency ?? 1, batchSize: handler.batchSize ?? handler.concurrency ?? 1, workers: handler.workers }, (job) => this.run(handler, job.data, { id: job.id, name: handler.name, retryCount: 0 }));
    }
    this.logger.log(`workers started for ${this.handlers.size} job kinds`);
  }

  private async run(handler: RegisteredHandler, data: unknown, context: JobContext): Promise<void> {
    const started = Date.now();
    try {
      await handler.invoke(data, context);
      this.metrics.jobsProcessed.inc({ job: handler.name, outcome: 'completed' });
      this.logger.debug({ job: handler.name, jobId: context.id, ms: Date.now() - started }, 'job completed');
    } catch (error) {
      this.metrics.jobsProcessed.inc({ job: handler.name, outcome: 'failed' });
      this.logger.warn({ err: error, job: handler.name, jobId: context.id }, 'job failed');
      throw error;
    }
  }

  collect(): Map<JobName, RegisteredHandler> {
    const found = new Map<JobName, RegisteredHandler>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = instance[method];
        if (typeof fn !== 'function') continue;
        const meta = this.reflector.get<JobHandlerMetadata | undefined>(JOB_HANDLER_METADATA, fn);
        if (!meta) continue;
        const owner = `${instance.constructor.name}.${method}`;
        const existing = found.get(meta.name);
        if (existing) {
          throw new JobRegistryError(`Job "${meta.name}" has two handlers: ${existing.owner} and ${owner}`);
        }
        if (!(JOB_NAMES as readonly string[]).includes(meta.name)) {
          throw new JobRegistryError(`${owner} handles "${meta.name}", which is not a declared job name (src/jobs/job-names.ts)`);
        }
        found.set(meta.name, { ...meta, owner, invoke: (data, context) => (fn as (d: unknown, c: JobContext) => Promise<void>).call(instance, data, context) });
      }
    }
    const missing = JOB_NAMES.filter((name) => !found.has(name));
    if (missing.length) throw new JobRegistryError(`No handler for job(s): ${missing.join(', ')}`);
    return found;
  }
}
