import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config';
import { Clock } from './clock';
import { OutboundGuard } from './net/outbound-guard';
import { CryptoService } from './crypto/crypto.service';

@Global()
@Module({
  providers: [
    CryptoService,
    Clock,
    {
      provide: OutboundGuard,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => new OutboundGuard(config.get('outbound', { infer: true })),
    },
  ],
  exports: [CryptoService, Clock, OutboundGuard],
})
export class CommonModule {}
