import { Global, Module } from '@nestjs/common';
import { RateLimitGate } from './rate-limit.gate';
import { RingCentralCredentialsRepository } from './ringcentral-credentials.repository';
import { RingCentralClient } from './ringcentral.client';

@Global()
@Module({
  providers: [RingCentralClient, RingCentralCredentialsRepository, RateLimitGate],
  exports: [RingCentralClient, RingCentralCredentialsRepository],
})
export class RingCentralModule {}
