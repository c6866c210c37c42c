import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PageQuery } from '../common/pagination';
import { JURISDICTIONS } from '../common/request-context';
import type { Jurisdiction } from '../common/request-context';
import { REASON_CODES } from '../matching/reasons';

export class MatchReasonDto {
  @ApiProperty({
    enum: REASON_CODES,
    example: 'CORE_LINK',
    description:
      'A partner’s first reason is CORE_LINK or SUPPORTING_LINK (the strength of the chain link it is proposed for, DESIGN §10); SIZE_FIT / SIZE_GAP say how its size suits the planned investment',
  })
  code: string;
  @ApiProperty({
    example: '为动力电池电芯提供正极材料（核心配套）',
    description: 'zh-CN by default; English with Accept-Language: en',
  })
  text: string;
}

const STRENGTH = {
  enum: ['core', 'supporting'],
  nullable: true,
  type: String,
  description:
    'Strength of the chain link the partner is proposed for (`core`: a defining input or direct customer; `supporting`); null for parks and for matches stored before strengths existed',
} as const;

export class PartnerMatchDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) enterpriseId: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'mianyang' }) jurisdiction: string;
  @ApiProperty({ enum: ['upstream', 'downstream'] }) relation: string;
  @ApiProperty(STRENGTH) strength: 'core' | 'supporting' | null;
  @ApiProperty({ minimum: 0, maximum: 1 }) score: number;
  @ApiProperty({ type: [MatchReasonDto] }) reasons: MatchReasonDto[];
  @ApiProperty({ enum: ['proposed', 'accepted', 'rejected'] }) status: string;
}

export class ParkMatchDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) parkId: string;
  @ApiProperty() name: string;
  @ApiProperty() coBuilt: boolean;
  @ApiProperty({ minimum: 0, maximum: 1 }) score: number;
  @ApiProperty({ type: [MatchReasonDto] }) reasons: MatchReasonDto[];
  @ApiProperty({ enum: ['proposed', 'accepted', 'rejected'] }) status: string;
}

export class LeadMatchesDto {
  @ApiProperty({
    enum: ['pending', 'ready'],
    description:
      '`pending` while a match job is queued or running for a change of the lead’s segments, land need or planned investment; other edits (stage, summary, activities) never make it pending',
  })
  status: 'pending' | 'ready';
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) computedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) algorithmVersion: string | null;
  @ApiProperty({ type: [PartnerMatchDto] }) partners: PartnerMatchDto[];
  @ApiProperty({ type: [ParkMatchDto] }) parks: ParkMatchDto[];
}

export const MATCH_STATUSES = ['proposed', 'accepted', 'rejected'] as const;
export const MATCH_KINDS = ['partner', 'park'] as const;

export class MatchListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: MATCH_STATUSES }) @IsOptional() @IsIn(MATCH_STATUSES) status?: string;
  @ApiPropertyOptional({ enum: MATCH_KINDS }) @IsOptional() @IsIn(MATCH_KINDS) kind?: string;
  @ApiPropertyOptional({ description: 'Industry code of the lead, e.g. nev' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  industry?: string;
  @ApiPropertyOptional({ enum: ['beibei', 'mianyang'], description: 'The lead’s jurisdiction' })
  @IsOptional()
  @IsIn(['beibei', 'mianyang'])
  jurisdiction?: string;
  @ApiPropertyOptional({ minimum: 0, maximum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(1)
  minScore?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(1)
  maxScore?: number;
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, description: 'only the matches of this lead' })
  @IsOptional()
  @IsUUID('all', { message: 'leadId must be a UUID' })
  leadId?: string;
}

export class MatchItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) leadId: string;
  @ApiProperty({ description: 'The lead title (its code name for a partner’s confidential lead)' })
  leadTitle: string;
  @ApiProperty() leadJurisdiction: string;
  @ApiProperty({ enum: MATCH_KINDS }) kind: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) enterpriseId: string | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) parkId: string | null;
  @ApiProperty({ description: 'Enterprise or park name' }) targetName: string;
  @ApiPropertyOptional({ enum: ['upstream', 'downstream'], nullable: true, type: String })
  relation: string | null;
  @ApiProperty(STRENGTH) strength: 'core' | 'supporting' | null;
  @ApiProperty({ minimum: 0, maximum: 1 }) score: number;
  @ApiProperty({ type: [MatchReasonDto] }) reasons: MatchReasonDto[];
  @ApiProperty({ enum: MATCH_STATUSES }) status: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) decidedBy: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) decisionNote: string | null;
  @ApiProperty() algorithmVersion: string;
  @ApiProperty({ format: 'date-time' }) computedAt: string;
  @ApiProperty() version: number;
}

export class MatchDecisionDto {
  @ApiProperty({ enum: ['accepted', 'rejected'] })
  @IsIn(['accepted', 'rejected'])
  decision: 'accepted' | 'rejected';

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

/** The most matches one bulk decision takes (a page of the review queue is 50). */
export const BULK_DECISION_MAX = 200;

export class BulkMatchDecisionDto extends MatchDecisionDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    minItems: 1,
    maxItems: BULK_DECISION_MAX,
    description: 'the matches to decide, all or none',
  })
  @IsArray()
  @ArrayMinSize(1, { message: 'ids names at least one match' })
  @ArrayMaxSize(BULK_DECISION_MAX, { message: `ids names at most ${BULK_DECISION_MAX} matches` })
  @ArrayUnique({ message: 'ids names a match twice' })
  @IsUUID('all', { each: true, message: 'ids must be UUIDs' })
  ids: string[];
}

export class BulkMatchDecisionResultDto {
  @ApiProperty({ type: [MatchItemDto], maxItems: BULK_DECISION_MAX, description: 'each match as decided' })
  items: MatchItemDto[];
}

export class RematchRequestDto {
  @ApiPropertyOptional({
    enum: JURISDICTIONS,
    description:
      'Re-match only this jurisdiction’s leads. Omitted: the admin’s own jurisdiction, or all leads ' +
      'for a platform operator (OPERATORS); another jurisdiction than one’s own is for operators only.',
  })
  @IsOptional()
  @IsIn(JURISDICTIONS as unknown as string[])
  jurisdiction?: Jurisdiction;
}

export class RematchAcceptedDto {
  @ApiProperty({ example: 'rematch-all:6f1c2a57-1f0e-4c0a-9a53-1b7f0c0d2e11:all' }) jobId: string;
}

export class RematchProgressDto {
  @ApiProperty() done: number;
  @ApiProperty() total: number;
}

export class RematchStatusDto {
  @ApiProperty() jobId: string;
  @ApiProperty({
    enum: ['queued', 'waiting', 'delayed', 'active', 'completed', 'failed', 'unknown'],
    description: '`queued`: recorded, not yet handed to the queue (e.g. Redis down)',
  })
  state: string;
  @ApiProperty({ type: RematchProgressDto }) progress: RematchProgressDto;
  @ApiPropertyOptional({ nullable: true, type: String }) failedReason: string | null;
}
