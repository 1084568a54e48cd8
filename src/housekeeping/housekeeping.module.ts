import { Module } from '@nestjs/common';
import { HousekeepingService } from './housekeeping.service';
import { RetentionService } from './retention.service';

@Module({ providers: [HousekeepingService, RetentionService] })
export class HousekeepingModule {}
