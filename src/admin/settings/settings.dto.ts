import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { LOG_DETAIL_SECTIONS } from '../../accounts/logging-settings';
import { IsOptionalNotNull } from '../../common/http/is-optional-not-null';

const MODES = ['account', 'admin-only'] as const;
const OWNER_POLICIES = ['agent', 'admin'] as const;
const NO_MATCH = ['skip', 'logWithoutContact', 'createContact'] as const;
const MULTI_MATCH = ['first', 'mostRecent', 'earliestCreated', 'skip'] as const;
const LOG_MODES = ['staged', 'single'] as const;

export class FiltersDto {
  @ApiPropertyOptional({ description: 'Log inbound calls (default true)' })
  @IsOptionalNotNull()
  @IsBoolean()
  inbound?: boolean;

  @ApiPropertyOptional({ description: 'Log outbound calls (default true)' })
  @IsOptionalNotNull()
  @IsBoolean()
  outbound?: boolean;

  @ApiPropertyOptional({ description: 'Log calls between extensions of the account (default false)' })
  @IsOptionalNotNull()
  @IsBoolean()
  internal?: boolean;

  @ApiPropertyOptional({ description: 'Log missed calls (default true)' })
  @IsOptionalNotNull()
  @IsBoolean()
  missed?: boolean;

  @ApiPropertyOptional({ description: 'Log calls that went to voicemail (default true)' })
  @IsOptionalNotNull()
  @IsBoolean()
  voicemail?: boolean;

  @ApiPropertyOptional({ type: [String], description: 'E.164 numbers whose calls are never logged', example: ['+16505550100'] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(1000)
  @Matches(/^\+[1-9]\d{6,14}$/, { each: true, message: 'each value in $property must be an E.164 number like +16505550100' })
  blockedNumbers?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Extension numbers whose calls are never logged', example: ['101'] })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(1000)
  @Matches(/^\d{1,16}$/, { each: true, message: 'each value in $property must be an extension number (digits)' })
  blockedExtensions?: string[];
}

export class ContactPolicyDto {
  @ApiPropertyOptional({ enum: NO_MATCH, description: 'When no CRM contact has the number (default logWithoutContact)' })
  @IsOptionalNotNull()
  @IsIn(NO_MATCH)
  noMatch?: (typeof NO_MATCH)[number];

  @ApiPropertyOptional({ enum: MULTI_MATCH, description: 'When several CRM contacts have the number (default first)' })
  @IsOptionalNotNull()
  @IsIn(MULTI_MATCH)
  multiMatch?: (typeof MULTI_MATCH)[number];
}

/** One optional boolean per section of the log body; decorated from LOG_DETAIL_SECTIONS so the two never drift. */
export class LogDetailsDto {
  [section: string]: boolean | undefined;
}
for (const section of LOG_DETAIL_SECTIONS) {
  ApiPropertyOptional({ type: Boolean })(LogDetailsDto.prototype, section);
  IsOptionalNotNull()(LogDetailsDto.prototype, section);
  IsBoolean()(LogDetailsDto.prototype, section);
}

export class ConnectorChoiceDto {
  @ApiProperty({ example: 'sample-crm', description: 'sample-crm | proxy | app-connect' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  id: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "The connector's config, checked by the connector. Omitted: the current config when the id does not change. Masked values sent back unchanged keep the stored secret.",
    example: { baseUrl: 'http://127.0.0.1:4010/api' },
  })
  @IsOptionalNotNull()
  @IsObject()
  config?: Record<string, unknown>;
}

/** PATCH /admin/settings: every field optional; nested groups are merged field by field. */
export class PatchSettingsDto {
  @ApiPropertyOptional({ description: 'On: subscribe to RingCentral call events (409 when RingCentral or the connector is not set up). Off: unsubscribe.' })
  @IsOptionalNotNull()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ enum: MODES, description: "account: every user's calls; admin-only: only the admin's" })
  @IsOptionalNotNull()
  @IsIn(MODES)
  mode?: (typeof MODES)[number];

  @ApiPropertyOptional({ type: ConnectorChoiceDto })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => ConnectorChoiceDto)
  connector?: ConnectorChoiceDto;

  @ApiPropertyOptional({ enum: OWNER_POLICIES, description: "agent: the agent's mapped CRM user owns the record; admin: always adminCrmUserId" })
  @IsOptionalNotNull()
  @IsIn(OWNER_POLICIES)
  ownerPolicy?: (typeof OWNER_POLICIES)[number];

  @ApiPropertyOptional({ type: String, nullable: true, description: "The admin's CRM user id (owner of unmapped agents' calls); null clears it" })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  adminCrmUserId?: string | null;

  @ApiPropertyOptional({ type: FiltersDto })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => FiltersDto)
  filters?: FiltersDto;

  @ApiPropertyOptional({ type: ContactPolicyDto })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => ContactPolicyDto)
  contactPolicy?: ContactPolicyDto;

  @ApiPropertyOptional({
    enum: LOG_MODES,
    description: "staged (default): created when the leg ends, updated once with RingCentral's call-log record; single: one create with the final record (for CRMs that allow create but not update)",
  })
  @IsOptionalNotNull()
  @IsIn(LOG_MODES)
  logMode?: (typeof LOG_MODES)[number];

  @ApiPropertyOptional({ type: LogDetailsDto, description: `Sections of the log body: ${LOG_DETAIL_SECTIONS.join(', ')}` })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => LogDetailsDto)
  logDetails?: LogDetailsDto;
}

export class ResolvedFiltersDto {
  @ApiProperty() inbound: boolean;
  @ApiProperty() outbound: boolean;
  @ApiProperty() internal: boolean;
  @ApiProperty() missed: boolean;
  @ApiProperty() voicemail: boolean;
  @ApiProperty({ type: [String] }) blockedNumbers: string[];
  @ApiProperty({ type: [String] }) blockedExtensions: string[];
}

export class ResolvedContactPolicyDto {
  @ApiProperty({ enum: NO_MATCH }) noMatch: string;
  @ApiProperty({ enum: MULTI_MATCH }) multiMatch: string;
}

export class ConnectorViewDto {
  @ApiProperty({ example: 'sample-crm' }) id: string;
  @ApiProperty({ example: 'Sample CRM' }) displayName: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Secret values (keys like token, secret, password, key) are shown as ********' })
  config: Record<string, unknown>;
}

export class RingCentralStatusDto {
  @ApiProperty({ description: 'A RingCentral JWT credential is stored' }) connected: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Extension whose credential is stored' }) adminExtensionId: string | null;
}

export class SettingsDto {
  @ApiProperty() enabled: boolean;
  @ApiProperty({ enum: MODES }) mode: string;
  @ApiProperty({ description: 'Logging is paused until an admin changes something (the CRM refused the credentials, a setting is missing...)' })
  paused: boolean;
  @ApiProperty({ type: String, nullable: true }) pausedReason: string | null;
  @ApiProperty({ type: RingCentralStatusDto }) ringCentral: RingCentralStatusDto;
  @ApiProperty({ type: ConnectorViewDto, nullable: true }) connector: ConnectorViewDto | null;
  @ApiProperty({ type: [String], example: ['sample-crm', 'proxy', 'app-connect'] }) availableConnectors: string[];
  @ApiProperty({ enum: OWNER_POLICIES }) ownerPolicy: string;
  @ApiProperty({ type: String, nullable: true }) adminCrmUserId: string | null;
  @ApiProperty({ type: ResolvedFiltersDto }) filters: ResolvedFiltersDto;
  @ApiProperty({ type: ResolvedContactPolicyDto }) contactPolicy: ResolvedContactPolicyDto;
  @ApiProperty({ enum: LOG_MODES }) logMode: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'boolean' }, example: { subject: true, sessionId: false } })
  logDetails: Record<string, boolean>;
}
