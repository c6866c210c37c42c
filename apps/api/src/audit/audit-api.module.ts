import { Module } from '@nestjs/common';
import { AuditModule } from '../../../../libs/audit/audit.module';
import { AuditController } from './audit.controller';

/** The audit log over HTTP. */
@Module({
  imports: [AuditModule],
  controllers: [AuditController],
})
export class AuditApiModule {}
