import { Module } from '@nestjs/common';
import { AgreementsModule } from '../agreements/agreements.module';
import { EventsModule } from '../events/events.module';
import { LeadsModule } from '../leads/leads.module';
import { LeadCollisions } from '../leads/lead-writer';
import { CollisionDetector } from './collision-detector';
import { CollisionService } from './collision.service';
import { DuplicateService } from './duplicate.service';

@Module({
  imports: [EventsModule, AgreementsModule, LeadsModule],
  providers: [
    CollisionDetector,
    // The lead writer asks the collision rules through this token (libs/leads does not import collisions).
    { provide: LeadCollisions, useExisting: CollisionDetector },
    CollisionService,
    DuplicateService,
  ],
  exports: [CollisionDetector, LeadCollisions, CollisionService, DuplicateService],
})
export class CollisionsModule {}
