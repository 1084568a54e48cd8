import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject } from 'class-validator';

export class PutServerLoggingSettingsDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: "Values of the connector's additionalFields by field name; replaces what was stored. Required fields must be present.",
    example: { apiKey: 'sk_live_...' },
  })
  @IsObject()
  additionalFieldValues: Record<string, unknown>;
}

export class ServerLoggingFieldDto {
  @ApiProperty({ description: "The field's name (App Connect's `const`)", example: 'apiKey' })
  name: string;

  @ApiProperty({ example: 'API key' })
  title: string;

  @ApiProperty({ example: 'password', description: 'inputField | password | selection | checkbox' })
  type: string;

  @ApiProperty()
  required: boolean;

  @ApiPropertyOptional()
  description?: string;

  @ApiProperty({ description: 'A value is stored' })
  set: boolean;

  @ApiProperty({ description: 'The value is a credential: it is never returned' })
  secret: boolean;

  @ApiPropertyOptional({ description: 'The stored value, for fields that are not secret' })
  value?: string;
}

export class ServerLoggingSettingsDto {
  @ApiProperty({ type: String, nullable: true, example: 'sample-crm' })
  connectorId: string | null;

  @ApiProperty({ type: [ServerLoggingFieldDto] })
  fields: ServerLoggingFieldDto[];
}
