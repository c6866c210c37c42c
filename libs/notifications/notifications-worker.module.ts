import { Module } from '@nestjs/common';
import { NotificationJobs } from './notification-jobs';
import { NotificationWriter } from './notification-writer';

/** Worker side of notifications (DESIGN §18): producing them, the daily job, the channels. */
@Module({
  providers: [NotificationWriter, NotificationJobs],
  exports: [NotificationJobs],
})
export class NotificationsWorkerModule {}
