import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminApi } from '../auth/admin-api.decorator';
import { CurrentAdmin, type AdminPrincipal } from '../auth/admin-principal';
import { ApiErrorDto } from '../common/api-error.dto';
import { AdminSubscriptionService } from './admin-subscription.service';
import { SubscriptionDto } from './subscription.dto';

@AdminApi()
@Controller('admin/subscription')
export class SubscriptionController {
  constructor(private readonly service: AdminSubscriptionService) {}

  @Get()
  @ApiOperation({ summary: "The account's RingCentral call-event subscription" })
  @ApiOkResponse({ type: SubscriptionDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'NOT_FOUND: logging is off, so there is no subscription' })
  get(@CurrentAdmin() admin: AdminPrincipal): Promise<SubscriptionDto> {
    return this.service.get(admin.account.id);
  }

  @Post('recreate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete the subscription at RingCentral and create a new one' })
  @ApiOkResponse({ type: SubscriptionDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'CONFLICT: logging is off, or RingCentral refused the subscription' })
  recreate(@CurrentAdmin() admin: AdminPrincipal): Promise<SubscriptionDto> {
    return this.service.recreate(admin.account.id);
  }
}
