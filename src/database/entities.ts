import { HousekeepingRun } from '../housekeeping/housekeeping-run.entity';

/** Every entity the data source knows; feature modules add theirs here. */
export const ENTITIES = [HousekeepingRun];
