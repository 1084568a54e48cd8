import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '../health/metrics.service';

/** The pipeline's Prometheus metrics (registered on the process registry). */
@Injectable()
export class LoggingMetrics {
  readonly logsCreated: Counter<'connector'>;
  readonly logsSkipped: Counter<'reason'>;
  readonly logsFailed: Counter<'reason'>;
  readonly retries: Counter<'code'>;
  readonly crmRequests: Counter<'connector'>;
  readonly crmLatency: Histogram<'connector' | 'outcome'>;
  readonly callEndToLog: Histogram<string>;
  readonly pluginInvocations: Counter<'plugin' | 'kind' | 'outcome'>;
  readonly recordsMerged: Counter<string>;
  readonly logsReconciled: Counter<string>;
  readonly logsUpdated: Counter<'connector'>;
  readonly syncLag: Gauge<'account'>;
  readonly syncRequests: Counter<'outcome'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.logsCreated = new Counter({ name: 'sscl_logs_created_total', help: 'CRM call logs created.', labelNames: ['connector'], registers });
    this.logsSkipped = new Counter({ name: 'sscl_logs_skipped_total', help: 'Ended legs not logged, by reason.', labelNames: ['reason'], registers });
    this.logsFailed = new Counter({ name: 'sscl_logs_failed_total', help: 'Legs whose logging failed for good, by code.', labelNames: ['reason'], registers });
    this.retries = new Counter({ name: 'sscl_log_retries_total', help: 'Logging attempts rescheduled, by connector error code.', labelNames: ['code'], registers });
    this.crmRequests = new Counter({ name: 'sscl_crm_requests_total', help: 'Requests sent to CRMs by the pipeline.', labelNames: ['connector'], registers });
    this.crmLatency = new Histogram({
      name: 'sscl_crm_log_seconds',
      help: 'Time to resolve and create one CRM log (all CRM requests of the attempt).',
      labelNames: ['connector', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers,
    });
    this.callEndToLog = new Histogram({
      name: 'sscl_call_end_to_log_seconds',
      help: 'From the end of the call to its CRM log.',
      buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800],
      registers,
    });
    this.pluginInvocations = new Counter({
      name: 'sscl_plugin_invocations_total',
      help: 'Plugin runs by plugin, kind (sync, async-dispatch, async-callback) and outcome.',
      labelNames: ['plugin', 'kind', 'outcome'],
      registers,
    });
    this.recordsMerged = new Counter({ name: 'sscl_call_records_merged_total', help: 'Final call-log records merged into a call_logs row.', registers });
    this.logsReconciled = new Counter({ name: 'sscl_logs_reconciled_total', help: 'CRM logs created for calls only the call log showed (no notification).', registers });
    this.logsUpdated = new Counter({ name: 'sscl_logs_updated_total', help: 'CRM logs updated once with the call-log record (staged mode).', labelNames: ['connector'], registers });
    this.syncLag = new Gauge({ name: 'sscl_call_log_sync_lag_seconds', help: 'Per account: how far behind now the call-log sync has read (now - watermark).', labelNames: ['account'], registers });
    this.syncRequests = new Counter({ name: 'sscl_call_log_sync_requests_total', help: 'Call-log page requests sent to RingCentral by the sync, by outcome.', labelNames: ['outcome'], registers });
  }
}
