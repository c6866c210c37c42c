import { Module } from '@nestjs/common';
import { CollisionsModule } from '../collisions/collisions.module';
import { LeadsModule } from '../leads/leads.module';
import { TaxonomyModule } from '../taxonomy/taxonomy.module';
import { ChangesService } from './changes.service';
import { EnterpriseSyncService } from './enterprise-sync.service';
import { LeadSyncService } from './lead-sync.service';

/** Partner sync API (DESIGN §11): bulk upserts and the changes feed. */
@Module({
  imports: [TaxonomyModule, LeadsModule, CollisionsModule],
  providers: [LeadSyncService, EnterpriseSyncService, ChangesService],
  exports: [LeadSyncService, EnterpriseSyncService, ChangesService],
})
export class SyncModule {}
