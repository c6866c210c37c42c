import { Module } from '@nestjs/common';
import { CollisionsModule } from '../collisions/collisions.module';
import { EventsModule } from '../events/events.module';
import { LeadController } from './lead.controller';
import { LeadRepository } from './lead.repository';
import { LeadService } from './lead.service';

@Module({
  imports: [EventsModule, CollisionsModule],
  controllers: [LeadController],
  providers: [LeadService, LeadRepository],
  exports: [LeadService, LeadRepository],
})
export class LeadsModule {}
