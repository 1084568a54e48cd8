import { Injectable, SetMetadata } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { MetricsService } from '../health/metrics.service';
import { JOB_HANDLER_METADATA } from './job-handler.decorator';
import { JOB_NAMES, type JobName } from './job-names';
import { JobQueue } from './job-queue.service';
import { JobRegistry } from './job-registry';

/** A provider class with one `@JobHandler` method per given name (what feature classes declare with the decorator). */
function handlersFor(className: string, names: string[]): new () => object {
  const cls = { [className]: class {} }[className]!;
  for (const name of names) {
    const method = `handle_${name.replace(/\W/g, '_')}`;
    const fn = async () => undefined;
    Object.defineProperty(cls.prototype, method, { value: fn, enumerable: false, writable: true });
    SetMetadata(JOB_HANDLER_METADATA, { name })(cls.prototype, method, { value: fn });
  }
  Injectable()(cls);
  return cls;
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

const [first, ...rest] = JOB_NAMES as readonly JobName[];

describe('JobRegistry', () => {
  it('finds exactly one handler per declared job', async () => {
    const registry = await registryWith(handlersFor('AllHandlers', [...JOB_NAMES]));
    expect([...registry.collect().keys()].sort()).toEqual([...JOB_NAMES].sort());
  });

  it('refuses a job name with two handlers, naming both', async () => {
    const registry = await registryWith(handlersFor('AllHandlers', [...JOB_NAMES]), handlersFor('SecondHandler', [first!]));
    expect(() => registry.collect()).toThrow(new RegExp(`${first!.replace('.', '\\.')}.*has two handlers.*(AllHandlers|SecondHandler).*(AllHandlers|SecondHandler)`));
  });

  it('refuses a declared job name with no handler', async () => {
    const registry = await registryWith(handlersFor('MostHandlers', rest));
    expect(() => registry.collect()).toThrow(`No handler for job(s): ${first}`);
  });

  it('refuses a handler for a name that is not declared', async () => {
    const registry = await registryWith(handlersFor('AllHandlers', [...JOB_NAMES]), handlersFor('Stray', ['no.such.job']));
    expect(() => registry.collect()).toThrow(/no\.such\.job.*not a declared job name/);
  });
});
