import { Module } from '@nestjs/common';
import { TaxonomyModule } from '../../../../libs/taxonomy/taxonomy.module';
import { TaxonomyController } from './taxonomy.controller';

/** The industries, segments and chain edges over HTTP. */
@Module({
  imports: [TaxonomyModule],
  controllers: [TaxonomyController],
})
export class TaxonomyApiModule {}
