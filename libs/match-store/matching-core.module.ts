import { Module } from '@nestjs/common';
import { TaxonomyService } from '../taxonomy/taxonomy.service';
import { CandidateRepository } from './candidate.repository';
import { MatchStoreRepository } from './match-store.repository';
import { MatchingService } from './matching.service';

/**
 * Matching without HTTP: candidate reads, the match store and the job logic. Imported by the
 * worker (job handlers) and by the API's MatchingModule. Needs the global Outbox/Events modules.
 */
@Module({
  providers: [TaxonomyService, CandidateRepository, MatchStoreRepository, MatchingService],
  exports: [CandidateRepository, MatchingService],
})
export class MatchingCoreModule {}
