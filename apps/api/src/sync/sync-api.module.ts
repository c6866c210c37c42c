import { Module } from '@nestjs/common';
import { SyncModule } from '../../../../libs/sync/sync.module';
import { SyncController } from './sync.controller';

/** Partner sync API (DESIGN §11): bulk upserts and the changes feed. */
@Module({
  imports: [SyncModule],
  controllers: [SyncController],
})
export class SyncApiModule {}
