import { Module } from '@nestjs/common';
import { PromotionEventsModule } from '../../../../libs/promotion-events/promotion-events.module';
import { EventsCalendarController, PromotionEventsController } from './promotion-events.controller';

/** HTTP layer of the joint promotion events (DESIGN §16). */
@Module({
  imports: [PromotionEventsModule],
  controllers: [PromotionEventsController, EventsCalendarController],
})
export class PromotionEventsHttpModule {}
