import { Module } from '@nestjs/common';
import { LeadsModule } from '../../../../libs/leads/leads.module';
import { LeadController } from './lead.controller';

/** Leads over HTTP. */
@Module({
  imports: [LeadsModule],
  controllers: [LeadController],
})
export class LeadsApiModule {}
