import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export class ListQuarantinedQueryDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^[1-9]\d{0,17}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class QuarantinedEventDto {
  @ApiProperty({ description: 'Inbox row id' }) id: string;
  @ApiProperty({ description: "RingCentral's notification uuid (or `sha256:` of an unstorable one)" }) uuid: string;
  @ApiProperty({ type: String, nullable: true }) telephonySessionId: string | null;
  @ApiProperty({ example: 'body.parties[0].direction: must be Inbound or Outbound', description: 'Why it could not be folded' }) reason: string;
  @ApiProperty({ type: String, format: 'date-time', description: 'When the notification arrived' }) receivedAt: Date;
  @ApiProperty({ type: String, format: 'date-time' }) quarantinedAt: Date;
  @ApiProperty({ description: 'Failed fold attempts (unexpected errors; a parse failure quarantines at once)' }) foldAttempts: number;
}

export class QuarantinedEventPageDto {
  @ApiProperty({ type: [QuarantinedEventDto] }) items: QuarantinedEventDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last one' }) nextCursor: string | null;
}

export class RefoldResultDto {
  @ApiProperty({ description: 'Quarantined notifications put back in the fold queue' }) requeued: number;
  @ApiProperty({ description: 'Quarantined notifications left as they are: stored altered at intake (e.g. \\u0000 replaced), they cannot be folded as received' })
  notRefoldable: number;
}
