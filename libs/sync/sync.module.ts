import { Module } from '@nestjs/common';
import { CollisionsModule } from '../collisions/collisions.module';
import { TaxonomyModule } from '../taxonomy/taxonomy.module';
import { ChangesService } from './changes.service';
import { EnterpriseSyncService } from './enterprise-sync.service';
import { LeadSyncService } from './lead-sync.service';
import { SyncController } from './sync.controller';

/** Partner sync API (DESIGN §11): bulk upserts and the changes feed. */
@Module({
  imports: [TaxonomyModule, CollisionsModule],
  controllers: [SyncController],
  providers: [LeadSyncService, EnterpriseSyncService, ChangesService],
  exports: [ChangesService, LeadSyncService, EnterpriseSyncService],
})
export class SyncModule {}
