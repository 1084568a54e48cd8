import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateIf, ValidateNested } from 'class-validator';

export class ManualMappingDto {
  @ApiProperty({ example: '62264425' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  rcExtensionId: string;

  @ApiProperty({ type: String, nullable: true, example: 'usr_1001', description: 'A CRM user id (from crmUsers); null removes the mapping' })
  @ValidateIf((o: { crmUserId?: unknown }) => o.crmUserId !== null)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  crmUserId: string | null;
}

export class PutUserMappingsDto {
  @ApiProperty({ type: [ManualMappingDto], description: 'Set as manual mappings (kept by auto-match); other extensions are untouched. Several extensions may map to one CRM user.' })
  @IsArray()
  @ArrayMaxSize(5000)
  @ValidateNested({ each: true })
  @Type(() => ManualMappingDto)
  mappings: ManualMappingDto[];
}

export class ReinitializeUserMappingsDto {
  @ApiPropertyOptional({ description: 'Also drop manual mappings (default false: they are kept)' })
  @IsOptional()
  @IsBoolean()
  includeManual?: boolean;
}

export class UserMappingDto {
  @ApiProperty() rcExtensionId: string;
  @ApiProperty() crmUserId: string;
  @ApiPropertyOptional() crmUserName?: string;
  @ApiPropertyOptional() crmUserEmail?: string;
  @ApiProperty({ enum: ['auto', 'manual'] }) source: 'auto' | 'manual';
}

export class RcExtensionDto {
  @ApiProperty({ example: '62264425' }) id: string;
  @ApiPropertyOptional({ example: '101' }) extensionNumber?: string;
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional() firstName?: string;
  @ApiPropertyOptional() lastName?: string;
  @ApiPropertyOptional() email?: string;
  @ApiPropertyOptional({ example: 'Enabled' }) status?: string;
}

export class CrmUserDto {
  @ApiProperty({ example: 'usr_1001' }) id: string;
  @ApiProperty({ example: 'Alice Anderson' }) name: string;
  @ApiPropertyOptional() email?: string;
}

export class UserMappingsDto {
  @ApiProperty({ type: [UserMappingDto] }) mappings: UserMappingDto[];
  @ApiProperty({ type: [RcExtensionDto], description: "The account's RingCentral user extensions" }) rcExtensions: RcExtensionDto[];
  @ApiProperty({ type: [CrmUserDto], description: "The connector's CRM users" }) crmUsers: CrmUserDto[];
  @ApiProperty({ type: [RcExtensionDto], description: 'User extensions without a mapping (their calls go to adminCrmUserId)' }) unmapped: RcExtensionDto[];
  @ApiPropertyOptional({ description: 'Why rcExtensions could not be loaded' }) rcExtensionsError?: string;
  @ApiPropertyOptional({ description: 'Why crmUsers could not be loaded' }) crmUsersError?: string;
}

export class AutoMatchedDto {
  @ApiProperty() rcExtensionId: string;
  @ApiProperty() crmUserId: string;
  @ApiProperty({ enum: ['email', 'name', 'first-last'] }) rule: string;
}

export class AmbiguousMatchDto {
  @ApiProperty() rcExtensionId: string;
  @ApiProperty({ enum: ['email', 'name', 'first-last'] }) rule: string;
  @ApiProperty({ type: [String] }) crmUserIds: string[];
}

export class AutoMatchResultDto extends UserMappingsDto {
  @ApiProperty({ type: [AutoMatchedDto], description: 'Mappings made by this run' }) matched: AutoMatchedDto[];
  @ApiProperty({ type: [AmbiguousMatchDto], description: 'Extensions left unmapped because several CRM users matched' }) ambiguous: AmbiguousMatchDto[];
}
