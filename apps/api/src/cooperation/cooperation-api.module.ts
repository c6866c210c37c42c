import { Module } from '@nestjs/common';
import { CooperationModule } from '../../../../libs/cooperation/cooperation.module';
import { ActionPlanController } from './action-plan.controller';
import { MeetingController } from './meeting.controller';

/** HTTP for the cooperation mechanism (DESIGN §15); the rules live in libs/cooperation. */
@Module({
  imports: [CooperationModule],
  controllers: [ActionPlanController, MeetingController],
})
export class CooperationApiModule {}
