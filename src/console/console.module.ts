import { Module } from '@nestjs/common';
import { ConsoleOAuthController } from './console-oauth.controller';
import { ConsoleSessionRepository } from './console-session.repository';
import { ConsoleSessionService } from './console-session.service';
import { RingCentralOAuthClient } from './ringcentral-oauth.client';

/**
 * The admin console (issue 15): "Sign in with RingCentral" and its server-side sessions. The built front-end is
 * served by mountConsole (console-static.ts); the admin API accepts these sessions through AdminAuthGuard.
 */
@Module({
  controllers: [ConsoleOAuthController],
  providers: [ConsoleSessionRepository, ConsoleSessionService, RingCentralOAuthClient],
  exports: [ConsoleSessionService],
})
export class ConsoleModule {}
