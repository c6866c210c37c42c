import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG, AppConfig } from '../../../libs/config/config';
import { ConfigModule } from '../../../libs/config/config.module';
import { dataSourceOptions } from '../../../libs/db/database';
import { AuditModule } from '../../../libs/audit/audit.module';
import { OutboxModule } from '../../../libs/outbox/outbox.module';
import { EventsModule } from '../../../libs/events/events.module';
import { TaxonomyModule } from '../../../libs/taxonomy/taxonomy.module';
import { CollisionDetector } from '../../../libs/collisions/collision-detector';
import { LeadCollisions } from '../../../libs/leads/lead-writer';
import { LeadsModule } from '../../../libs/leads/leads.module';
import { ParksModule } from '../../../libs/parks/parks.module';
import { OutboxRelay } from './outbox-relay';
import { JobRunner } from './job-runner';
import { WORKER_HANDLER_PROVIDERS } from './handlers';
import { MatchSweep } from '../../../libs/match-store/match-sweep';
import { MatchingCoreModule } from '../../../libs/match-store/matching-core.module';
import { QUEUE_REGISTRY, QueueRegistry } from '../../../libs/platform/queues';
import { WebhooksWorkerModule } from '../../../libs/webhooks/webhooks-worker.module';
import { SPREADSHEET_WORKER_PROVIDERS } from '../../../libs/spreadsheets/import-handlers';
import { NotificationsWorkerModule } from '../../../libs/notifications/notifications-worker.module';

/** The worker: same libs as the API, no HTTP server (DESIGN §13). */
@Module({})
export class WorkerModule implements OnApplicationShutdown {
  constructor(@Inject(QUEUE_REGISTRY) private readonly queues: QueueRegistry) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queues.close().catch(() => undefined);
  }

  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: { level: config.logLevel, base: { service: 'worker', pid: process.pid } },
        }),
        TypeOrmModule.forRoot({ ...dataSourceOptions(config.databaseUrl), autoLoadEntities: true }),
        TaxonomyModule,
        AuditModule,
        OutboxModule,
        EventsModule,
        MatchingCoreModule,
        WebhooksWorkerModule,
        NotificationsWorkerModule,
        // The one lead writer, for the spreadsheet import's commit (DESIGN §17).
        LeadsModule,
        // The park write path, for the park import (DESIGN §17).
        ParksModule,
      ],
      providers: [
        {
          // The relay's and the sweep's queues (on Redis: never gives up on a Redis that is away).
          provide: QUEUE_REGISTRY,
          inject: [APP_CONFIG],
          useFactory: (c: AppConfig) => QueueRegistry.of(c, 'worker'),
        },
        MatchSweep,
        OutboxRelay,
        JobRunner,
        CollisionDetector,
        // The lead writer asks the collision rules through this token (as CollisionsModule provides it).
        { provide: LeadCollisions, useExisting: CollisionDetector },
        ...SPREADSHEET_WORKER_PROVIDERS,
        ...WORKER_HANDLER_PROVIDERS,
      ],
    };
  }
}
