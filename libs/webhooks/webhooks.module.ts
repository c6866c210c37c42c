import { Module } from '@nestjs/common';
import { WebhookController } from './webhook.controller';
import { WebhookService } from './webhook.service';

/** Webhook subscriptions over HTTP (the sending happens in the worker: WebhooksWorkerModule). */
@Module({ controllers: [WebhookController], providers: [WebhookService] })
export class WebhooksModule {}
