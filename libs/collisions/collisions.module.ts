import { Module } from '@nestjs/common';
import { AgreementsModule } from '../agreements/agreements.module';
import { EventsModule } from '../events/events.module';
import { LeadRepository } from '../leads/lead.repository';
import { CollisionController } from './collision.controller';
import { CollisionDetector } from './collision-detector';
import { CollisionService } from './collision.service';
import { DuplicateController } from './duplicate.controller';
import { DuplicateService } from './duplicate.service';

@Module({
  imports: [EventsModule, AgreementsModule],
  controllers: [CollisionController, DuplicateController],
  providers: [CollisionDetector, CollisionService, DuplicateService, LeadRepository],
  exports: [CollisionDetector],
})
export class CollisionsModule {}
