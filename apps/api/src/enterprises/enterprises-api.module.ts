import { Module } from '@nestjs/common';
import { EnterprisesModule } from '../../../../libs/enterprises/enterprises.module';
import { EnterpriseController } from './enterprise.controller';

/** Enterprises (base data) over HTTP. */
@Module({
  imports: [EnterprisesModule],
  controllers: [EnterpriseController],
})
export class EnterprisesApiModule {}
