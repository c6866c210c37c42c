import { Module } from '@nestjs/common';
import { EnterpriseRepository } from './enterprise.repository';
import { EnterpriseService } from './enterprise.service';

@Module({
  providers: [EnterpriseService, EnterpriseRepository],
  exports: [EnterpriseService, EnterpriseRepository],
})
export class EnterprisesModule {}
