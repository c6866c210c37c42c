import { Module } from '@nestjs/common';
import { AgreementsModule } from '../agreements/agreements.module';
import { ParkController } from './park.controller';
import { ParkRepository } from './park.repository';
import { ParkService } from './park.service';

@Module({
  imports: [AgreementsModule],
  controllers: [ParkController],
  providers: [ParkService, ParkRepository],
  exports: [ParkService, ParkRepository],
})
export class ParksModule {}
