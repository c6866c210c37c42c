import { Module } from '@nestjs/common';
import { AgreementsModule } from '../agreements/agreements.module';
import { ParkRepository } from './park.repository';
import { ParkService } from './park.service';

@Module({
  imports: [AgreementsModule],
  providers: [ParkService, ParkRepository],
  exports: [ParkService, ParkRepository],
})
export class ParksModule {}
