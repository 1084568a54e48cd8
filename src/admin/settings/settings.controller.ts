import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminApi } from '../auth/admin-api.decorator';
import { CurrentAdmin, type AdminPrincipal } from '../auth/admin-principal';
import { ApiErrorDto } from '../common/api-error.dto';
import { AccountSettingsService } from './account-settings.service';
import { PatchSettingsDto, SettingsDto } from './settings.dto';

@AdminApi()
@Controller('admin/settings')
export class SettingsController {
  constructor(private readonly settings: AccountSettingsService) {}

  @Get()
  @ApiOperation({ summary: "The account's logging settings, resolved over the defaults", description: 'Connector secrets are masked.' })
  @ApiOkResponse({ type: SettingsDto })
  get(@CurrentAdmin() admin: AdminPrincipal): Promise<SettingsDto> {
    return this.settings.get(admin.account.id);
  }

  @Patch()
  @ApiOperation({
    summary: 'Change some settings',
    description:
      'Partial update; nested groups (filters, contactPolicy, logDetails) are merged field by field. `connector` is checked by the connector ' +
      '(errors name `connector.config.<field>`). `enabled: true` subscribes to RingCentral call events, `false` unsubscribes. Any change resumes a paused account.',
  })
  @ApiOkResponse({ type: SettingsDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'VALIDATION_FAILED naming the field, e.g. `filters.inbound`, `contactPolicy.noMatch`, `connector.id`' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'CONFLICT (field `enabled`): RingCentral credentials or the connector missing, or RingCentral refused the subscription' })
  patch(@CurrentAdmin() admin: AdminPrincipal, @Body() body: PatchSettingsDto): Promise<SettingsDto> {
    return this.settings.patch(admin.account.id, body);
  }
}
