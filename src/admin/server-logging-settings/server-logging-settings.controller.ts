import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminApi } from '../auth/admin-api.decorator';
import { CurrentAdmin, type AdminPrincipal } from '../auth/admin-principal';
import { ApiErrorDto } from '../common/api-error.dto';
import { PutServerLoggingSettingsDto, ServerLoggingSettingsDto } from './server-logging-settings.dto';
import { ServerLoggingSettingsService } from './server-logging-settings.service';

@AdminApi()
@Controller('admin/server-logging-settings')
export class ServerLoggingSettingsController {
  constructor(private readonly service: ServerLoggingSettingsService) {}

  @Get()
  @ApiOperation({ summary: "The connector's server-logging fields: names, titles, which are set", description: 'Secret values are never returned.' })
  @ApiOkResponse({ type: ServerLoggingSettingsDto })
  get(@CurrentAdmin() admin: AdminPrincipal): Promise<ServerLoggingSettingsDto> {
    return this.service.get(admin.account.id);
  }

  @Put()
  @ApiOperation({ summary: "Store the connector's server-logging values (encrypted)", description: "Checked against the connector's additionalFields; required ones must be present." })
  @ApiOkResponse({ type: ServerLoggingSettingsDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'VALIDATION_FAILED naming `additionalFieldValues.<field>`' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'CONFLICT: no connector chosen yet' })
  put(@CurrentAdmin() admin: AdminPrincipal, @Body() body: PutServerLoggingSettingsDto): Promise<ServerLoggingSettingsDto> {
    return this.service.put(admin.account.id, body.additionalFieldValues);
  }
}
