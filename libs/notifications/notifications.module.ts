import { Module } from '@nestjs/common';
import { NotificationHub } from './notification-hub';
import { NotificationService } from './notification.service';

/** API side of notifications (DESIGN §18). They are written by the worker's jobs only. */
@Module({
  providers: [NotificationService, NotificationHub],
  exports: [NotificationService, NotificationHub],
})
export class NotificationsModule {}
