import { Module } from '@nestjs/common';
import { ReportRepository } from './report.repository';
import { ReportService } from './report.service';

@Module({ providers: [ReportService, ReportRepository], exports: [ReportService] })
export class ReportsModule {}
