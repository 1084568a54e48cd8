// The sample CRM: a real HTTP server standing in for a customer's CRM in tests, the demo and benchmarks.
export { startSampleCrm } from './sample-crm.server';
export type { SampleCrm, SampleCrmOptions } from './sample-crm.server';
export type { CrmKnobs, RateLimitKnob } from './fault-injector';
export type { CrmStats } from './request-stats';
export type {
  CallDirection, ContactType, CrmActivity, CrmContact, CrmUser, NewContact, NewUser, SeedData,
} from './crm.types';
export { DEMO_API_KEY, DEMO_NUMBERS, DEMO_SEED } from './demo-data.seed';
export { toE164 } from './phone-number.util';
