import { Module } from '@nestjs/common';
import { SpreadsheetsModule } from '../../../../libs/spreadsheets/spreadsheets.module';
import { ExportsController } from './exports.controller';
import { ImportsController } from './imports.controller';

/** HTTP side of spreadsheets in and out (DESIGN §17). */
@Module({
  imports: [SpreadsheetsModule],
  controllers: [ImportsController, ExportsController],
})
export class SpreadsheetsHttpModule {}
