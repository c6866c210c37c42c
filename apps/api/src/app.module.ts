import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../../../libs/config/config';
import { ConfigModule } from '../../../libs/config/config.module';
import { dataSourceOptions } from '../../../libs/db/database';
import { OutboxModule } from '../../../libs/outbox/outbox.module';
import { EventsModule } from '../../../libs/events/events.module';
import { AuditApiModule } from './audit/audit-api.module';
import { DOMAIN_MODULES } from './domain-modules';
import { HttpModule } from './http/http.module';
import { ApiLoggerModule } from './http/request-logging';
import { IdentityApiModule } from './identity/identity-api.module';
import { PlatformApiModule } from './platform/platform-api.module';
import { TaxonomyApiModule } from './taxonomy/taxonomy-api.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ApiLoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            base: { service: 'api', pid: process.pid },
            redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'],
          },
        }),
        TypeOrmModule.forRoot({ ...dataSourceOptions(config.databaseUrl), autoLoadEntities: true }),
        PlatformApiModule,
        AuditApiModule,
        OutboxModule,
        EventsModule,
        IdentityApiModule,
        HttpModule,
        TaxonomyApiModule,
        ...DOMAIN_MODULES,
      ],
    };
  }
}
