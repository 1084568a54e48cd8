import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { DatabaseHealthIndicator } from './database.health';
import { MetricsService } from './metrics.service';
import { QueueHealthIndicator } from './queue.health';

@Global()
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [MetricsService, QueueHealthIndicator, DatabaseHealthIndicator],
  exports: [MetricsService],
})
export class HealthModule {}
