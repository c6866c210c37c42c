import { Module } from '@nestjs/common';
import { AgreementsModule } from '../agreements/agreements.module';
import { ActionItemService } from './action-item.service';
import { MeetingPackService } from './meeting-pack.service';
import { MeetingService } from './meeting.service';

/** The cooperation mechanism (DESIGN §15): action plan, responsibility list, joint meetings. */
@Module({
  imports: [AgreementsModule],
  providers: [ActionItemService, MeetingService, MeetingPackService],
  exports: [ActionItemService, MeetingService, MeetingPackService],
})
export class CooperationModule {}
