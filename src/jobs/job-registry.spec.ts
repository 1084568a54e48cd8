import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { MetricsService } from '../health/metrics.service';
import { JobHandler } from './job-handler.decorator';
import { JobQueue } from './job-queue.service';
import { JobRegistry } from './job-registry';

@Injectable()
class HousekeepingHandler {
  @JobHandler('system.housekeeping')
  async run(): Promise<void> {}
}

@Injectable()
class SecondHousekeepingHandler {
  @JobHandler('system.housekeeping')
  async again(): Promise<void> {}
}

@Injectable()
class UndeclaredHandler {
  @JobHandler('no.such.job' as never)
  async run(): Promise<void> {}
}

async function registryWith(...handlers: (new () => object)[]) {
  const moduleRef = await Test.createTestingModule({
    imports: [DiscoveryModule],
    providers: [
      JobRegistry,
      ...handlers,
      { provide: JobQueue, useValue: { work: async () => 'worker-id' } },
      { provide: MetricsService, useValue: {} },
      { provide: ConfigService, useValue: new ConfigService({ app: { role: 'api' } }) },
    ],
  }).compile();
  return moduleRef.get(JobRegistry);
}

describe('JobRegistry', () => {
  it('finds exactly one handler per declared job', async () => {
    const registry = await registryWith(HousekeepingHandler);
    expect([...registry.collect().keys()]).toEqual(['system.housekeeping']);
  });

  it('refuses a job name with two handlers, naming both', async () => {
    const registry = await registryWith(HousekeepingHandler, SecondHousekeepingHandler);
    expect(() => registry.collect()).toThrow(/system\.housekeeping.*HousekeepingHandler\.run.*SecondHousekeepingHandler\.again/);
  });

  it('refuses a declared job name with no handler', async () => {
    const registry = await registryWith();
    expect(() => registry.collect()).toThrow(/No handler for job\(s\): system\.housekeeping/);
  });

  it('refuses a handler for a name that is not declared', async () => {
    const registry = await registryWith(HousekeepingHandler, UndeclaredHandler);
    expect(() => registry.collect()).toThrow(/no\.such\.job.*not a declared job name/);
  });
});
