import { Injectable } from '@nestjs/common';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's Prometheus registry. One registry per application instance (not prom-client's global one), so two
 * instances in one process — as in the tests — do not collide. Feature modules add their metrics here.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly jobsProcessed = new Counter({
    name: 'sscl_jobs_processed_total',
    help: 'Jobs run by this process, by job name and outcome (completed, failed).',
    labelNames: ['job', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly webhookNotifications = new Counter({
    name: 'sscl_webhook_notifications_total',
    help: 'RingCentral webhook requests by outcome (stored, duplicate, handshake, invalid, unauthorized, too-large).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly legsEnded = new Counter({
    name: 'sscl_legs_ended_total',
    help: 'Agent legs detected as ended, by kind (answered, missed, voicemail, unanswered, transferred).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly eventsQuarantined = new Counter({
    name: 'sscl_events_quarantined_total',
    help: 'Stored notifications quarantined because they could not be folded (see GET /admin/events/quarantined).',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
