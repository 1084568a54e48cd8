import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminApi } from '../auth/admin-api.decorator';
import { CurrentAdmin, type AdminPrincipal } from '../auth/admin-principal';
import { ApiErrorDto } from '../common/api-error.dto';
import { ListQuarantinedQueryDto, QuarantinedEventPageDto, RefoldResultDto } from './quarantined-events.dto';
import { QuarantinedEventsService } from './quarantined-events.service';

@AdminApi()
@Controller('admin/events/quarantined')
export class QuarantinedEventsController {
  constructor(private readonly service: QuarantinedEventsService) {}

  @Get()
  @ApiOperation({
    summary: 'Notifications that were acknowledged and stored but could not be folded into call state, newest first',
    description: 'Each with the reason. Keyset pagination: pass `nextCursor` back as `cursor`.',
  })
  @ApiOkResponse({ type: QuarantinedEventPageDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'VALIDATION_FAILED naming `cursor` or `limit`' })
  list(@CurrentAdmin() admin: AdminPrincipal, @Query() query: ListQuarantinedQueryDto): Promise<QuarantinedEventPageDto> {
    return this.service.list(admin.account.id, query);
  }

  @Post('refold')
  @HttpCode(200)
  @ApiOperation({ summary: "Fold the account's quarantined notifications again (after an upgrade)", description: 'Those that still cannot be folded are quarantined again, with their reason.' })
  @ApiOkResponse({ type: RefoldResultDto })
  refold(@CurrentAdmin() admin: AdminPrincipal): Promise<RefoldResultDto> {
    return this.service.refold(admin.account.id);
  }
}
