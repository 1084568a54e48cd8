import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source.options';
import { PgNotifications } from './pg-notifications';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => ({
        ...dataSourceOptions(config.get('database', { infer: true }).url),
        poolSize: 20,
      }),
    }),
  ],
  providers: [PgNotifications],
  exports: [PgNotifications],
})
export class DatabaseModule {}
