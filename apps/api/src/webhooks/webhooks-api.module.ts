import { Module } from '@nestjs/common';
import { WebhooksModule } from '../../../../libs/webhooks/webhooks.module';
import { WebhookController } from './webhook.controller';

/** Webhook subscriptions over HTTP (the sending happens in the worker). */
@Module({
  imports: [WebhooksModule],
  controllers: [WebhookController],
})
export class WebhooksApiModule {}
