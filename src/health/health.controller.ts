import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import type { Response } from 'express';
import { DatabaseHealthIndicator } from './database.health';
import { MetricsService } from './metrics.service';
import { QueueHealthIndicator } from './queue.health';

@ApiTags('ops')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: DatabaseHealthIndicator,
    private readonly queue: QueueHealthIndicator,
    private readonly metrics: MetricsService,
  ) {}

  @Get('health')
  @HealthCheck()
  @ApiOperation({ summary: 'Database and job queue reachability (503 when either is down)' })
  check() {
    return this.health.check([() => this.db.check('database'), () => this.queue.check('queue')]);
  }

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics' })
  async metricsText(@Res() res: Response): Promise<void> {
    const { contentType, body } = await this.metrics.render();
    res.setHeader('Content-Type', contentType);
    res.send(body);
  }
}
