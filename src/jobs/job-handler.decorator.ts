import { SetMetadata } from '@nestjs/common';
import type { JobName } from './job-names';

export const JOB_HANDLER_METADATA = 'sscl:job-handler';

export interface JobHandlerOptions {
  /** Parallel workers for this job in one process. */
  concurrency?: number;
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
