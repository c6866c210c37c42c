import { Global, Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { AgreementRegistry } from './agreement-registry';
import { AgreementService } from './agreement.service';

/**
 * Agreements (DESIGN §14). Global: one registry for the whole service, which the domain modules
 * (collisions, parks, …) fill with their kinds when they start.
 */
@Global()
@Module({
  imports: [EventsModule],
  providers: [AgreementRegistry, AgreementService],
  exports: [AgreementRegistry, AgreementService],
})
export class AgreementsModule {}
