import { Module } from '@nestjs/common';
import { ParksModule } from '../../../../libs/parks/parks.module';
import { ParkController } from './park.controller';

/** Parks (base data) over HTTP. */
@Module({
  imports: [ParksModule],
  controllers: [ParkController],
})
export class ParksApiModule {}
