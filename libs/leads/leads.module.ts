import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { LeadRepository } from './lead.repository';
import { LeadService } from './lead.service';
import { LeadWriter } from './lead-writer';

@Module({
  imports: [EventsModule],
  providers: [LeadService, LeadRepository, LeadWriter],
  exports: [LeadService, LeadRepository, LeadWriter],
})
export class LeadsModule {}
