import { Module } from '@nestjs/common';
import { AgreementsModule } from '../../../../libs/agreements/agreements.module';
import { AgreementController } from './agreement.controller';

/** Agreements between the two cities over HTTP (DESIGN §14). */
@Module({
  imports: [AgreementsModule],
  controllers: [AgreementController],
})
export class AgreementsApiModule {}
