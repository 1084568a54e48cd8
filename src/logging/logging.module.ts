import { Module } from '@nestjs/common';

/** Filled by its issue (ARCHITECTURE.md §2); present so the module map is complete from the start. */
@Module({})
export class LoggingModule {}
