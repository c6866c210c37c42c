import { Module } from '@nestjs/common';
import { ReportsModule } from '../../../../libs/reports/reports.module';
import { ReportController } from './report.controller';

/** Reports for the joint leading group over HTTP. */
@Module({
  imports: [ReportsModule],
  controllers: [ReportController],
})
export class ReportsApiModule {}
