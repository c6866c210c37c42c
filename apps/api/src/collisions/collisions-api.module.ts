import { Module } from '@nestjs/common';
import { CollisionsModule } from '../../../../libs/collisions/collisions.module';
import { CollisionController } from './collision.controller';
import { DuplicateController } from './duplicate.controller';

/** Collisions (撞单) and duplicates over HTTP. */
@Module({
  imports: [CollisionsModule],
  controllers: [CollisionController, DuplicateController],
})
export class CollisionsApiModule {}
