import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBadGatewayResponse, ApiBearerAuth, ApiForbiddenResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ApiErrorDto } from '../common/api-error.dto';
import { AdminAuthGuard } from './admin-auth.guard';

/** An admin controller: a RingCentral admin's bearer token (or console session) required, documented under the `admin` tag. */
export function AdminApi(): ClassDecorator {
  return applyDecorators(
    ApiTags('admin'),
    ApiBearerAuth(),
    UseGuards(AdminAuthGuard),
    ApiUnauthorizedResponse({ type: ApiErrorDto, description: 'UNAUTHORIZED: no bearer token (nor console session), or RingCentral does not accept it' }),
    ApiForbiddenResponse({ type: ApiErrorDto, description: 'FORBIDDEN: the token belongs to an extension without admin permission, or a console session change lacks X-CSRF-Token' }),
    ApiBadGatewayResponse({ type: ApiErrorDto, description: 'UPSTREAM_FAILED: RingCentral (token check) or the CRM could not be reached' }),
  ) as ClassDecorator;
}
