import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../../../libs/config/config';
import { ConfigModule } from '../../../libs/config/config.module';
import { dataSourceOptions } from '../../../libs/db/database';
import { AuditModule } from '../../../libs/audit/audit.module';
import { OutboxModule } from '../../../libs/outbox/outbox.module';
import { EventsModule } from '../../../libs/events/events.module';
import { TaxonomyService } from '../../../libs/taxonomy/taxonomy.service';
import { OutboxRelay } from './outbox-relay';
import { JobRunner } from './job-runner';
import { WORKER_HANDLER_PROVIDERS } from './handlers';
import { MatchingCoreModule } from '../../../libs/matching-queue/matching-core.module';
import { WebhooksWorkerModule } from '../../../libs/webhooks/webhooks-worker.module';

/** The worker: same libs as the API, no HTTP server (DESIGN §13). */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: { level: config.logLevel, customProps: () => ({ service: 'worker' }) },
        }),
        TypeOrmModule.forRoot({ ...dataSourceOptions(config.databaseUrl), autoLoadEntities: true }),
        AuditModule,
        OutboxModule,
        EventsModule,
        MatchingCoreModule,
        WebhooksWorkerModule,
      ],
      providers: [TaxonomyService, OutboxRelay, JobRunner, ...WORKER_HANDLER_PROVIDERS],
    };
  }
}
