import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_CODES } from '../../common/errors/app-error';

/** The global exception filter's error body, for the OpenAPI document. */
export class ApiErrorDetailDto {
  @ApiProperty({ enum: Object.keys(ERROR_CODES), example: 'VALIDATION_FAILED' })
  code: string;

  @ApiProperty({ example: 'filters.inbound must be a boolean value' })
  message: string;

  @ApiPropertyOptional({ description: 'The request field at fault, as a dot path', example: 'filters.inbound' })
  field?: string;

  @ApiProperty({ description: 'Also in the x-correlation-id header; finds the request in the logs' })
  correlationId: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  details?: Record<string, unknown>;
}

export class ApiErrorDto {
  @ApiProperty({ type: ApiErrorDetailDto })
  error: ApiErrorDetailDto;
}
