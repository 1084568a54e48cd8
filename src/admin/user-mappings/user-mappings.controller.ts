import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminApi } from '../auth/admin-api.decorator';
import { CurrentAdmin, type AdminPrincipal } from '../auth/admin-principal';
import { ApiErrorDto } from '../common/api-error.dto';
import { AutoMatchResultDto, PutUserMappingsDto, ReinitializeUserMappingsDto, UserMappingsDto } from './user-mappings.dto';
import { UserMappingsService } from './user-mappings.service';

@AdminApi()
@ApiConflictResponse({ type: ApiErrorDto, description: 'CONFLICT: RingCentral not connected, no connector, or the CRM refused the server-logging credentials' })
@Controller('admin/user-mappings')
export class UserMappingsController {
  constructor(private readonly service: UserMappingsService) {}

  @Get()
  @ApiOperation({ summary: 'Mappings of RingCentral user extensions to CRM users, with both lists and the unmapped extensions' })
  @ApiOkResponse({ type: UserMappingsDto })
  list(@CurrentAdmin() admin: AdminPrincipal): Promise<UserMappingsDto> {
    return this.service.list(admin.account.id);
  }

  @Put()
  @ApiOperation({ summary: 'Set manual mappings', description: 'Listed extensions get a manual mapping (null removes it); others are untouched. Several extensions may map to one CRM user.' })
  @ApiOkResponse({ type: UserMappingsDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'VALIDATION_FAILED naming `mappings.<i>.<field>` (e.g. a CRM user the CRM does not have)' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'NOT_FOUND (`mappings.<i>.rcExtensionId`): not a user extension of this account' })
  put(@CurrentAdmin() admin: AdminPrincipal, @Body() body: PutUserMappingsDto): Promise<UserMappingsDto> {
    return this.service.setManual(admin.account.id, body.mappings);
  }

  @Post('auto-match')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Map unmapped extensions automatically',
    description: 'By email, then exact name, then "first last"; never on a missing value. Manual rows are kept. A tie (several CRM users at the first rule that finds any) is reported in `ambiguous` and left unmapped.',
  })
  @ApiOkResponse({ type: AutoMatchResultDto })
  autoMatch(@CurrentAdmin() admin: AdminPrincipal): Promise<AutoMatchResultDto> {
    return this.service.autoMatch(admin.account.id);
  }

  @Post('reinitialize')
  @HttpCode(200)
  @ApiOperation({ summary: 'Drop automatic mappings and match again', description: 'Reloads the RingCentral directory first. Manual rows are kept unless `includeManual` is true.' })
  @ApiOkResponse({ type: AutoMatchResultDto })
  reinitialize(@CurrentAdmin() admin: AdminPrincipal, @Body() body: ReinitializeUserMappingsDto): Promise<AutoMatchResultDto> {
    return this.service.reinitialize(admin.account.id, body.includeManual === true);
  }
}
