import { Module } from '@nestjs/common';
import { IdentityModule } from '../../../../libs/identity/identity.module';
import { ApiKeyController } from './api-key.controller';
import { AuthController } from './auth.controller';
import { UserController } from './user.controller';

/** Sign-in, sessions, users and API keys over HTTP. */
@Module({
  imports: [IdentityModule],
  controllers: [AuthController, UserController, ApiKeyController],
})
export class IdentityApiModule {}
