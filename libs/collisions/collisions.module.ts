import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { LeadRepository } from '../leads/lead.repository';
import { CollisionController } from './collision.controller';
import { CollisionDetector } from './collision-detector';
import { CollisionService } from './collision.service';

@Module({
  imports: [EventsModule],
  controllers: [CollisionController],
  providers: [CollisionDetector, CollisionService, LeadRepository],
  exports: [CollisionDetector],
})
export class CollisionsModule {}
