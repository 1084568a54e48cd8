import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class OverviewQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 90, default: 30, description: 'Days back from today (UTC), today included' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(90)
  days?: number;
}

export class DayCountsDto {
  @ApiProperty({ example: '2025-01-31', description: 'UTC day of the call end' }) day: string;
  @ApiProperty() logged: number;
  @ApiProperty() skipped: number;
  @ApiProperty() failed: number;
  @ApiProperty({ description: 'Pending or being logged' }) pending: number;
}

export class ReasonCountDto {
  @ApiProperty({ example: 'internal-calls-off' }) reason: string;
  @ApiProperty() count: number;
}

export class OverviewDto {
  @ApiProperty({ type: [DayCountsDto], description: 'One entry per day, oldest first, days without calls included' }) days: DayCountsDto[];
  @ApiProperty({ type: [ReasonCountDto], description: 'Most frequent reasons of skipped calls in the period' }) topSkipReasons: ReasonCountDto[];
  @ApiProperty({ type: [ReasonCountDto], description: 'Most frequent reasons of failed calls in the period' }) topFailureReasons: ReasonCountDto[];
  @ApiProperty() totals: DayCountsDto;
}
