import { Module } from '@nestjs/common';
import { AccountOnboardingService } from './account-onboarding.service';

/** The admin API: enabling, configuring and watching server-side logging (controllers arrive with their issue). */
@Module({
  providers: [AccountOnboardingService],
  exports: [AccountOnboardingService],
})
export class AdminModule {}
