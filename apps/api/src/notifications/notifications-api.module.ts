import { Module } from '@nestjs/common';
import { NotificationsModule } from '../../../../libs/notifications/notifications.module';
import { NotificationController } from './notification.controller';

/** Notifications and their live stream over HTTP (DESIGN §18). */
@Module({
  imports: [NotificationsModule],
  controllers: [NotificationController],
})
export class NotificationsApiModule {}
