import { Module } from '@nestjs/common';
import { InboxModule } from '../../../../libs/inbox/inbox.module';
import { InboxController } from './inbox.controller';

/** GET /me/inbox: the home page's counts in one request. */
@Module({ imports: [InboxModule], controllers: [InboxController] })
export class InboxApiModule {}
