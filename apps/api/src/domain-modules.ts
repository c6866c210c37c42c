import type { Type } from '@nestjs/common';
import { AgreementsApiModule } from './agreements/agreements-api.module';
import { CollisionsApiModule } from './collisions/collisions-api.module';
import { EnterprisesApiModule } from './enterprises/enterprises-api.module';
import { LeadsApiModule } from './leads/leads-api.module';
import { MatchingApiModule } from './matching/matching-api.module';
import { NotificationsApiModule } from './notifications/notifications-api.module';
import { ParksApiModule } from './parks/parks-api.module';
import { ReportsApiModule } from './reports/reports-api.module';
import { SyncApiModule } from './sync/sync-api.module';
import { WebhooksApiModule } from './webhooks/webhooks-api.module';
import { InboxApiModule } from './inbox/inbox-api.module';
import { MatchDecisionsModule } from './matching/match-decisions.module';
import { SpreadsheetsHttpModule } from './spreadsheets/spreadsheets.module';
import { CooperationApiModule } from './cooperation/cooperation-api.module';
import { PromotionEventsHttpModule } from './promotion-events/promotion-events.module';

/**
 * The domain modules the API serves (leads, base data, matching, sync, …). Each is the HTTP side
 * of a domain: it imports the domain's module from libs and declares its controllers. The
 * foundation (config, identity, platform, audit, taxonomy) is in app.module.ts.
 */
export const DOMAIN_MODULES: Type<unknown>[] = [
  EnterprisesApiModule,
  ParksApiModule,
  ReportsApiModule,
  LeadsApiModule,
  CollisionsApiModule,
  SyncApiModule,
  WebhooksApiModule,
  MatchingApiModule,
  NotificationsApiModule,
  AgreementsApiModule,
  MatchDecisionsModule,
  InboxApiModule,
  SpreadsheetsHttpModule,
  CooperationApiModule,
  PromotionEventsHttpModule,
];
