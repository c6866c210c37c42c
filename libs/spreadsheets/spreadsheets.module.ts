import { Module } from '@nestjs/common';
import { EnterprisesModule } from '../enterprises/enterprises.module';
import { LeadsModule } from '../leads/leads.module';
import { MatchingModule } from '../match-store/matching.module';
import { ParksModule } from '../parks/parks.module';
import { CooperationModule } from '../cooperation/cooperation.module';
import { ExportService } from './export.service';
import { ImportService } from './import.service';

/** Spreadsheets in and out (DESIGN §17), API side; the import jobs run in the worker (import-handlers.ts). */
@Module({
  imports: [LeadsModule, EnterprisesModule, ParksModule, MatchingModule, CooperationModule],
  providers: [ImportService, ExportService],
  exports: [ImportService, ExportService],
})
export class SpreadsheetsModule {}
