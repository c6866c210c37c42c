import { Module } from '@nestjs/common';
import { CollisionsModule } from '../collisions/collisions.module';
import { EventsModule } from '../events/events.module';
import { LeadRepository } from './lead.repository';
import { LeadService } from './lead.service';

@Module({
  imports: [EventsModule, CollisionsModule],
  providers: [LeadService, LeadRepository],
  exports: [LeadService, LeadRepository],
})
export class LeadsModule {}
