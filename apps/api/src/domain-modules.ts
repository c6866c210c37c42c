import type { Type } from '@nestjs/common';
import { CollisionsModule } from '../../../libs/collisions/collisions.module';
import { EnterprisesModule } from '../../../libs/enterprises/enterprises.module';
import { LeadsModule } from '../../../libs/leads/leads.module';
import { MatchingModule } from '../../../libs/matching-queue/matching.module';
import { NotificationsModule } from '../../../libs/notifications/notifications.module';
import { ParksModule } from '../../../libs/parks/parks.module';
import { PromotionEventsHttpModule } from './promotion-events/promotion-events.module';
import { ReportsModule } from '../../../libs/reports/reports.module';
import { SyncModule } from '../../../libs/sync/sync.module';
import { WebhooksModule } from '../../../libs/webhooks/webhooks.module';

/**
 * The domain modules the API serves (leads, base data, matching, sync, …). Each domain adds its
 * module here; the foundation above (config, identity, platform, taxonomy) is always present.
 */
export const DOMAIN_MODULES: Type<unknown>[] = [
  EnterprisesModule,
  ParksModule,
  ReportsModule,
  LeadsModule,
  CollisionsModule,
  SyncModule,
  WebhooksModule,
  MatchingModule,
  NotificationsModule,
  PromotionEventsHttpModule,
];
