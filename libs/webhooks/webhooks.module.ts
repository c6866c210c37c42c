import { Module } from '@nestjs/common';
import { WebhookService } from './webhook.service';

/** Webhook subscriptions over HTTP (the sending happens in the worker: WebhooksWorkerModule). */
@Module({ providers: [WebhookService], exports: [WebhookService] })
export class WebhooksModule {}
