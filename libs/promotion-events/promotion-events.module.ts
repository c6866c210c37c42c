import { Module } from '@nestjs/common';
import { AgreementsModule } from '../agreements/agreements.module';
import { PromotionEventService } from './promotion-event.service';

/** Joint promotion events (DESIGN §16): services only; the HTTP layer is apps/api/src/promotion-events. */
@Module({
  imports: [AgreementsModule],
  providers: [PromotionEventService],
  exports: [PromotionEventService],
})
export class PromotionEventsModule {}
