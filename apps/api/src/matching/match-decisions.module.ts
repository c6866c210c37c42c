import { Module } from '@nestjs/common';
import { MatchingModule } from '../../../../libs/match-store/matching.module';
import { MatchDecisionsController } from './match-decisions.controller';

/** Bulk decisions on the match review queue (POST /matches/decisions). */
@Module({ imports: [MatchingModule], controllers: [MatchDecisionsController] })
export class MatchDecisionsModule {}
