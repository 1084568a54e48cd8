import { Body, Controller, HttpCode, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AccountOnboardingService } from '../account-onboarding.service';
import { AdminApi } from '../auth/admin-api.decorator';
import { CurrentAdmin, type AdminPrincipal } from '../auth/admin-principal';
import { ApiErrorDto } from '../common/api-error.dto';
import { PutRingCentralCredentialsDto, RingCentralConnectionDto } from './ringcentral-credentials.dto';

@AdminApi()
@Controller('admin/ringcentral')
export class RingCentralCredentialsController {
  constructor(private readonly onboarding: AccountOnboardingService) {}

  @Put('credentials')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Connect RingCentral with a JWT credential',
    description: 'Logs in with the JWT grant and stores the credential and tokens encrypted; the service uses them for the subscription and the directory.',
  })
  @ApiOkResponse({ type: RingCentralConnectionDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'VALIDATION_FAILED (field `jwt`): RingCentral refused the credential' })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: "FORBIDDEN (field `jwt`): the credential belongs to another RingCentral account than the caller's" })
  async put(@CurrentAdmin() admin: AdminPrincipal, @Body() body: PutRingCentralCredentialsDto): Promise<RingCentralConnectionDto> {
    const { account, extensionId } = await this.onboarding.connectRingCentral(body.jwt, admin.rcAccountId);
    return { connected: true, accountId: account.rcAccountId, extensionId };
  }
}
