import { Module } from '@nestjs/common';
import { BullBoardRegistrar } from './bull-board';
import { MatchController } from './match.controller';
import { MatchService } from './match.service';
import { MatchingCoreModule } from './matching-core.module';

/** The API side of matching: lead matches, the pipeline, decisions, re-match, Bull Board. */
@Module({
  imports: [MatchingCoreModule],
  controllers: [MatchController],
  providers: [MatchService, BullBoardRegistrar],
  exports: [MatchService],
})
export class MatchingModule {}
