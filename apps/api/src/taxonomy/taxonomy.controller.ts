import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../http/api-responses';
import { Access } from '../http/access.decorator';
import { JurisdictionDto, TaxonomyDto } from '../../../../libs/taxonomy/taxonomy.dto';
import { TaxonomyService } from '../../../../libs/taxonomy/taxonomy.service';

@ApiTags('reference data')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Access({ scopes: [] })
@Controller()
export class TaxonomyController {
  constructor(private readonly taxonomy: TaxonomyService) {}

  @Get('taxonomy')
  @ApiOkResponse({
    type: TaxonomyDto,
    description: 'The five industries, their segments and the chain edges',
  })
  @ApiErrors(401)
  get(): Promise<TaxonomyDto> {
    return this.taxonomy.taxonomy() as Promise<TaxonomyDto>;
  }

  @Get('jurisdictions')
  @ApiOkResponse({ type: [JurisdictionDto] })
  @ApiErrors(401)
  jurisdictions(): Promise<JurisdictionDto[]> {
    return this.taxonomy.jurisdictions();
  }
}
