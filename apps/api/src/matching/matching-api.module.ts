import { Module } from '@nestjs/common';
import { MatchingModule } from '../../../../libs/match-store/matching.module';
import { BullBoardRegistrar } from './bull-board';
import { MatchController } from './match.controller';

/** Matches, the pipeline, decisions and re-match over HTTP, and Bull Board. */
@Module({
  imports: [MatchingModule],
  controllers: [MatchController],
  providers: [BullBoardRegistrar],
})
export class MatchingApiModule {}
