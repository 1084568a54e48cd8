import { SetMetadata } from '@nestjs/common';
import type { JobName } from './job-names';

export const JOB_HANDLER_METADATA = 'sscl:job-handler';

export interface JobHandlerOptions {
  /** Jobs of this kind run at once in one process (default 1). */
  concurrency?: number;
  /** Jobs fetched per poll (default: concurrency); more than `concurrency` keeps cheap jobs flowing between polls. */
  batchSize?: number;
  /**
   * Independent fetch loops in one process (default 1), each running `batchSize` jobs with `concurrency` at once. A
   * batch is done when its slowest job is, so jobs that wait on other servers use several smaller ones.
   */
  workers?: number;
}

export interface JobHandlerMetadata extends JobHandlerOptions {
  name: JobName;
}

/** Marks a provider method as the handler of one job name: `@JobHandler('call.log') handle(data) {...}`. */
export const JobHandler = (name: JobName, options: JobHandlerOptions = {}): MethodDecorator =>
  SetMetadata(JOB_HANDLER_METADATA, { name, ...options } satisfies JobHandlerMetadata);

export interface JobContext {
  id: string;
  name: JobName;
  retryCount: number;
}
