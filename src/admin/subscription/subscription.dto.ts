import { ApiProperty } from '@nestjs/swagger';

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
}
