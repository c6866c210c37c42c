import { Module } from '@nestjs/common';
import { MatchService } from './match.service';
import { MatchingCoreModule } from './matching-core.module';

/** The API side of matching: lead matches, the pipeline, decisions, re-match. */
@Module({
  imports: [MatchingCoreModule],
  providers: [MatchService],
  exports: [MatchService, MatchingCoreModule],
})
export class MatchingModule {}
