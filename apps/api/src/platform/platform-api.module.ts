import { Module } from '@nestjs/common';
import { PlatformModule } from '../../../../libs/platform/platform.module';
import { PlatformController } from './platform.controller';

/** Health, readiness and metrics over HTTP. */
@Module({
  imports: [PlatformModule],
  controllers: [PlatformController],
})
export class PlatformApiModule {}
