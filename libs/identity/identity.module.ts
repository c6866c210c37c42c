import { createSecretKey } from 'crypto';
import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { AuditModule } from '../audit/audit.module';
import { ApiKey } from './api-key.entity';
import { ApiKeyService } from './api-key.service';
import { AuthService } from './auth.service';
import { PlatformOperators } from './operators';
import { SessionRevocations } from './session-revocations';
import { accessTokenSecret } from './signing-key';
import { User } from './user.entity';
import { UserService } from './user.service';

@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([User, ApiKey]),
    AuditModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG, DataSource],
      // A KeyObject, not a string: with a string jsonwebtoken re-derives the key on every verify
      // (~1 ms of CPU per request, measured by bench:api).
      useFactory: async (config: AppConfig, ds: DataSource) => ({
        secret: createSecretKey(Buffer.from(await accessTokenSecret(ds, config.jwtSecret), 'utf8')),
      }),
    }),
  ],
  providers: [
    AuthService,
    UserService,
    ApiKeyService,
    SessionRevocations,
    PlatformOperators,
  ],
  exports: [AuthService, UserService, ApiKeyService, SessionRevocations, PlatformOperators],
})
export class IdentityModule {}
