import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../../../libs/config/config';
import { ConfigModule } from '../../../libs/config/config.module';
import { dataSourceOptions } from '../../../libs/db/database';
import { OutboxModule } from '../../../libs/outbox/outbox.module';
import { EventsModule } from '../../../libs/events/events.module';
import { AuditApiModule } from './audit/audit-api.module';
import { DOMAIN_MODULES } from './domain-modules';
import { HttpModule } from './http/http.module';
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
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            customProps: () => ({ service: 'api' }),
            redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'],
            // At level silent (benchmarks, tests) skip per-request logger work entirely.
            autoLogging:
              config.logLevel === 'silent'
                ? false
                : { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
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
