import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import { JURISDICTIONS } from '../common/request-context';
import { LEAD_STAGES } from '../leads/lead-stage';
import type { Jurisdiction } from '../common/request-context';

export const GROUP_KEYS = ['jurisdiction', 'industry', 'stage'] as const;
export type GroupKey = (typeof GROUP_KEYS)[number];

/** Lead stages in pipeline order (DESIGN §6), for sorting groups. */
export const STAGE_ORDER = LEAD_STAGES;

/** `a,b` or repeated `?groupBy=a&groupBy=b` → ['a', 'b']. */
const CommaList = () =>
  Transform(({ value }) => {
    const parts = (Array.isArray(value) ? value : [value]).flatMap((v) =>
      typeof v === 'string' ? v.split(',') : [v],
    );
    return parts.map((v) => (typeof v === 'string' ? v.trim() : v)).filter((v) => v !== '');
  });

/** A report period: calendar days in China Standard Time, both included. */
export class PeriodQuery {
  @ApiPropertyOptional({
    type: String,
    format: 'date',
    example: '2026-07-01',
    description: 'first day of the period (YYYY-MM-DD, China Standard Time, included)',
    maxLength: 10,
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'from must be a day YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'date',
    example: '2026-12-31',
    description: 'last day of the period (YYYY-MM-DD, China Standard Time, included)',
    maxLength: 10,
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'to must be a day YYYY-MM-DD' })
  to?: string;
}

export class PipelineQuery extends PeriodQuery {
  @ApiPropertyOptional({
    type: String,
    example: 'jurisdiction,industry,stage',
    description: 'comma-separated subset of jurisdiction, industry, stage (empty: totals only)',
    maxLength: 40,
    pattern: '^(jurisdiction|industry|stage)(,(jurisdiction|industry|stage)){0,2}$',
  })
  @IsOptional()
  @CommaList()
  @IsArray()
  @ArrayMaxSize(3)
  @ArrayUnique({ message: 'groupBy names a key twice' })
  @IsIn(GROUP_KEYS as unknown as string[], {
    each: true,
    message: 'groupBy keys: jurisdiction, industry, stage',
  })
  groupBy?: GroupKey[];

  @ApiPropertyOptional({ enum: JURISDICTIONS, description: 'only leads owned by this jurisdiction' })
  @IsOptional()
  @IsIn(JURISDICTIONS as unknown as string[])
  jurisdiction?: Jurisdiction;

  @ApiPropertyOptional({
    example: 'nev',
    description: 'only leads of this industry',
    maxLength: 64,
    pattern: '^[a-z0-9-]+$',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  industry?: string;

  @ApiPropertyOptional({ enum: STAGE_ORDER })
  @IsOptional()
  @IsIn(STAGE_ORDER as unknown as string[])
  stage?: string;

  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, description: 'only leads this user owns' })
  @IsOptional()
  @IsUUID('all', { message: 'ownerId must be a UUID' })
  ownerId?: string;
}

export class PipelineGroupDto {
  @ApiPropertyOptional({ enum: JURISDICTIONS }) jurisdiction?: Jurisdiction;
  @ApiPropertyOptional({ example: 'nev', maxLength: 64 }) industry?: string;
  @ApiPropertyOptional({ enum: STAGE_ORDER }) stage?: string;
  @ApiProperty({ example: 12 }) leads: number;
  @ApiProperty({ example: 150000, description: 'sum of plannedInvestmentWan, 万元' })
  plannedInvestmentWan: number;
  @ApiProperty({ example: 120000, description: '签约额: sum of contractAmountWan, 万元' })
  contractAmountWan: number;
  @ApiProperty({ example: 30000, description: '到位资金: sum of the funds in place, 万元' })
  fundsInPlaceWan: number;
}

export class PipelineTotalsDto {
  @ApiProperty({ description: 'each visible lead once' }) leads: number;
  @ApiProperty({ description: '万元; each visible lead once' }) plannedInvestmentWan: number;
  @ApiProperty({ description: '签约额, 万元; each visible lead once' }) contractAmountWan: number;
  @ApiProperty({ description: '到位资金, 万元; each visible lead once' }) fundsInPlaceWan: number;
}

export class PipelineReportDto {
  @ApiProperty({ enum: GROUP_KEYS, isArray: true, maxItems: 3 }) groupBy: GroupKey[];
  @ApiProperty({ type: [PipelineGroupDto], maxItems: 1000, description: 'at most 2 × 5 × 10 groups' })
  groups: PipelineGroupDto[];
  @ApiProperty({ type: PipelineTotalsDto }) totals: PipelineTotalsDto;
  @ApiPropertyOptional({
    description: 'how multi-industry leads are counted, when grouping by industry',
    maxLength: 500,
  })
  note?: string;
}

export class SummaryQuery extends PeriodQuery {
  @ApiPropertyOptional({
    format: 'uuid',
    maxLength: 36,
    description: 'only matches and collisions of leads this user owns',
  })
  @IsOptional()
  @IsUUID('all', { message: 'ownerId must be a UUID' })
  ownerId?: string;
}

export class MatchCountsDto {
  @ApiProperty() proposed: number;
  @ApiProperty() accepted: number;
  @ApiProperty() rejected: number;
}

export class CollisionCountsDto {
  @ApiProperty() open: number;
}

export class DealFiguresDto {
  @ApiProperty({ enum: JURISDICTIONS }) jurisdiction: Jurisdiction;
  @ApiProperty({ description: 'leads signed (signedAt) and not lost since' }) signedLeads: number;
  @ApiProperty({ description: '签约额, 万元' }) contractAmountWan: number;
  @ApiProperty({ description: '到位资金, 万元' }) fundsInPlaceWan: number;
}

export class DealsDto {
  @ApiProperty() signedLeads: number;
  @ApiProperty({ description: '签约额, 万元' }) contractAmountWan: number;
  @ApiProperty({ description: '到位资金, 万元' }) fundsInPlaceWan: number;
  @ApiProperty({ type: [DealFiguresDto], maxItems: 2 }) byJurisdiction: DealFiguresDto[];
}

export class SummaryDto {
  @ApiProperty({ type: MatchCountsDto, description: 'matches of leads of the caller’s jurisdiction' })
  matches: MatchCountsDto;
  @ApiProperty({ type: CollisionCountsDto, description: 'collisions involving the caller’s jurisdiction' })
  collisions: CollisionCountsDto;
  @ApiProperty({
    type: DealsDto,
    description: 'signed deals of the leads the caller may see (its own, the partner’s shared ones)',
  })
  deals: DealsDto;
}
