import { Module } from '@nestjs/common';
import { AgreementsModule } from '../agreements/agreements.module';
import { EventsModule } from '../events/events.module';
import { LeadRepository } from '../leads/lead.repository';
import { CollisionDetector } from './collision-detector';
import { CollisionService } from './collision.service';
import { DuplicateService } from './duplicate.service';

@Module({
  imports: [EventsModule, AgreementsModule],
  providers: [CollisionDetector, CollisionService, DuplicateService, LeadRepository],
  exports: [CollisionDetector, CollisionService, DuplicateService],
})
export class CollisionsModule {}
