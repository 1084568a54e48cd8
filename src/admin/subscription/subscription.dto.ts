import { ApiProperty } from '@nestjs/swagger';

/** The account's call-log sync (RingCentral's call log read every CALL_LOG_SYNC_INTERVAL_SECONDS). */
export class CallLogSyncDto {
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When it last ran (successfully or not)' })
  lastRunAt: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When it last read the call log without error' })
  lastSuccessAt: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Everything that started before this (less an overlap) has been read' })
  watermark: Date | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Seconds between now and the watermark at the last run' })
  lagSeconds: number | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why the last run failed (e.g. rate limited)' })
  lastError: string | null;

  @ApiProperty({ type: Object, nullable: true, description: 'Calls in this window were not backfilled after a downtime longer than CALL_LOG_BACKFILL_MAX_HOURS', example: { from: '2025-01-01T00:00:00Z', to: '2025-01-02T00:00:00Z' } })
  leftOut: { from: Date; to: Date } | null;
}

export class ConnectionDto {
  @ApiProperty({ example: 'connected', description: 'connecting | connected | reconnecting | failed' })
  state: string;

  @ApiProperty({ example: 'host:1234:a1b2c3', description: 'The process holding the connection lease (host:pid:random)' })
  holder: string;

  @ApiProperty({ description: 'The holder stopped renewing its lease (it died or stalled); another process takes over' })
  leaseExpired: boolean;

  @ApiProperty({ type: String, format: 'date-time' })
  leaseExpiresAt: Date;

  @ApiProperty({ type: String, format: 'date-time', description: 'When the connection entered this state' })
  since: Date;

  @ApiProperty({ type: String, nullable: true, description: 'Why it failed or is reconnecting' })
  lastError: string | null;
}

export class SubscriptionDto {
  @ApiProperty({ type: String, nullable: true, description: "RingCentral's subscription id", example: 'a1b2c3d4-...' })
  id: string | null;

  @ApiProperty({ example: 'Active', description: 'Active | Blacklisted | Expired | Missing | Failed' })
  status: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  expiresAt: Date | null;

  @ApiProperty({ example: 'WebHook' })
  deliveryMode: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the last call event arrived' })
  lastEventAt: Date | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why it was re-created or is not active' })
  lastError: string | null;

  @ApiProperty({ description: 'Notifications stored but not folded (GET /admin/events/quarantined lists them)', example: 0 })
  quarantinedEvents: number;

  @ApiProperty({ type: CallLogSyncDto, nullable: true, description: 'The call-log sync; null before its first run' })
  callLogSync?: CallLogSyncDto | null;

  @ApiProperty({ enum: ['webhook', 'websocket'], description: 'How notifications arrive (RINGCENTRAL_TRANSPORT)' })
  transport: 'webhook' | 'websocket';

  @ApiProperty({ type: () => ConnectionDto, nullable: true, description: "WebSocket transport: the account's connection and the process holding it" })
  connection: ConnectionDto | null;
}
