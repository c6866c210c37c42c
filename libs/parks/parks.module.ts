import { Module } from '@nestjs/common';
import { ParkController } from './park.controller';
import { ParkRepository } from './park.repository';
import { ParkService } from './park.service';

@Module({
  controllers: [ParkController],
  providers: [ParkService, ParkRepository],
  exports: [ParkService, ParkRepository],
})
export class ParksModule {}
