import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { FieldErrorDto } from '../common/error-body.dto';
import { LeadCollisionDto, MAX_DATE_TIME_LENGTH } from '../leads/lead.dto';
import { LEAD_STAGES } from '../leads/lead-stage';
import { FEED_ENTITIES } from './entity-views';
import { LEAD_SOURCES } from './item-validation';
import { MAX_SYNC_ITEMS } from './sync-results';

/** A segment code as item-validation.ts checks it (one of GET /taxonomy's). */
const SEGMENT_CODE = { type: 'string', maxLength: 64, example: 'nev.battery-pack' } as const;

export class ExternalRefDto {
  @ApiProperty({ example: 'crm-beibei', maxLength: 64, description: 'The partner system' })
  system: string;
  @ApiProperty({ example: 'L-000123', maxLength: 200, description: 'The record id in that system' })
  id: string;
}

export class SyncInvestorDto {
  @ApiProperty({ example: '重庆示例科技有限公司', maxLength: 200 }) name: string;
  @ApiPropertyOptional({
    type: String,
    example: '91500109MA5U123456',
    maxLength: 18,
    nullable: true,
    description: 'Validated USCC',
  })
  uscc?: string | null;
  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    maxLength: 36,
    nullable: true,
    description: 'An existing enterprise',
  })
  enterpriseId?: string | null;
  @ApiPropertyOptional({ type: String, example: 'CN', maxLength: 64, nullable: true }) country?:
    string | null;
}

export class SyncContactDto {
  @ApiProperty({ maxLength: 100 }) name: string;
  @ApiPropertyOptional({ maxLength: 100 }) title?: string;
  @ApiPropertyOptional({ maxLength: 40 }) phone?: string;
  @ApiPropertyOptional({ maxLength: 200, format: 'email' }) email?: string;
}

/**
 * One lead of a bulk upsert. The item is the whole record: an omitted optional field is reset to
 * its default, so pushing the same item again is `unchanged`.
 */
export class SyncLeadItemDto {
  @ApiProperty({ type: ExternalRefDto, description: 'The key: unique per (system, id)' })
  externalRef: ExternalRefDto;
  @ApiProperty({ maxLength: 200, example: '新能源电池模组项目' }) title: string;
  @ApiProperty({ type: SyncInvestorDto }) investor: SyncInvestorDto;
  @ApiPropertyOptional({ maxLength: 10000, default: '' }) summary?: string;
  @ApiProperty({
    type: 'array',
    items: SEGMENT_CODE,
    minItems: 1,
    maxItems: 50,
    example: ['nev.battery-pack'],
    description: 'Segment codes (GET /taxonomy)',
  })
  segments: string[];
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 1e12,
    default: 0,
    description: '万元, at most 2 decimal places',
  })
  plannedInvestmentWan?: number;
  @ApiPropertyOptional({
    type: Number,
    minimum: 0,
    maximum: 1e9,
    nullable: true,
    description: '亩, at most 2 decimal places',
  })
  landNeedMu?: number | null;
  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 0, maximum: 10_000_000, nullable: true })
  expectedJobs?: number | null;
  @ApiPropertyOptional({
    enum: [...LEAD_STAGES],
    default: 'lead',
    description:
      'A new lead may start at any pipeline stage (e.g. already signed); an update follows DESIGN §6',
  })
  stage?: string;
  @ApiPropertyOptional({ enum: ['private', 'shared'], default: 'private' }) sharing?: string;
  @ApiPropertyOptional({ default: false }) confidential?: boolean;
  @ApiPropertyOptional({
    type: String,
    maxLength: 100,
    nullable: true,
    description: 'Required when confidential',
  })
  codeName?: string | null;
  @ApiPropertyOptional({ enum: LEAD_SOURCES, default: 'partner_system' }) source?: string;
  @ApiPropertyOptional({ type: String, format: 'date-time', maxLength: MAX_DATE_TIME_LENGTH, nullable: true })
  nextActionAt?: string | null;
  @ApiPropertyOptional({ type: [SyncContactDto], maxItems: 50 }) contacts?: SyncContactDto[];
  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    maxLength: 36,
    nullable: true,
    description:
      'The owner: an active user of the key’s jurisdiction (told `lead_assigned`), or null for none (the ' +
      '待分配 queue managers assign from). Unlike other fields, omitted keeps the current owner.',
  })
  ownerId?: string | null;
}

export class SyncLeadsRequestDto {
  @ApiProperty({ type: [SyncLeadItemDto], maxItems: MAX_SYNC_ITEMS, description: 'At most 1,000 items' })
  @IsArray()
  @ArrayMaxSize(MAX_SYNC_ITEMS, { message: `at most ${MAX_SYNC_ITEMS} items per request` })
  items: unknown[];
}

export class SyncEnterpriseItemDto {
  @ApiPropertyOptional({ type: ExternalRefDto, description: 'The key; or uscc when there is no externalRef' })
  externalRef?: ExternalRefDto;
  @ApiProperty({ maxLength: 200 }) name: string;
  @ApiPropertyOptional({
    type: String,
    maxLength: 18,
    nullable: true,
    description: 'Validated USCC; unique when present',
  })
  uscc?: string | null;
  @ApiProperty({
    type: 'array',
    items: SEGMENT_CODE,
    minItems: 1,
    maxItems: 50,
    description: 'Segments it produces',
  })
  segments: string[];
  @ApiPropertyOptional({
    type: 'array',
    items: SEGMENT_CODE,
    maxItems: 50,
    description: 'Segments it buys from',
  })
  needs?: string[];
  @ApiPropertyOptional({ default: false }) chainLeader?: boolean;
  @ApiPropertyOptional({
    type: Number,
    minimum: 0,
    maximum: 1e13,
    nullable: true,
    description: '万元, at most 2 decimal places',
  })
  revenueWan?: number | null;
  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 0, maximum: 10_000_000, nullable: true })
  employees?: number | null;
  @ApiPropertyOptional({ type: String, maxLength: 500, nullable: true }) address?: string | null;
  @ApiPropertyOptional({ type: 'array', items: { type: 'string', maxLength: 50 }, maxItems: 50 })
  tags?: string[];
}

export class SyncEnterprisesRequestDto {
  @ApiProperty({
    type: [SyncEnterpriseItemDto],
    maxItems: MAX_SYNC_ITEMS,
    description: 'At most 1,000 items',
  })
  @IsArray()
  @ArrayMaxSize(MAX_SYNC_ITEMS, { message: `at most ${MAX_SYNC_ITEMS} items per request` })
  items: unknown[];
}

export class SyncItemResultDto {
  @ApiProperty({ example: 0, description: 'Position of the item in the request' }) index: number;
  @ApiProperty({ type: ExternalRefDto, nullable: true }) externalRef: ExternalRefDto | null;
  @ApiPropertyOptional({ format: 'uuid', description: 'The Liancheng id (absent for errors of new items)' })
  id?: string;
  @ApiProperty({ enum: ['created', 'updated', 'unchanged', 'error'] }) status: string;
  @ApiPropertyOptional({ type: [FieldErrorDto], description: "This item's field errors" })
  errors?: FieldErrorDto[];
  @ApiPropertyOptional({
    type: [LeadCollisionDto],
    description:
      'Leads only, on `created` and `updated`: the collisions (撞单, DESIGN §7) this write opened, as in the ' +
      'POST /leads response; empty when none',
  })
  collisions?: LeadCollisionDto[];
}

export class SyncResultsDto {
  @ApiProperty({ type: [SyncItemResultDto], description: 'One result per item, in request order' })
  results: SyncItemResultDto[];
}

export class ChangesQueryDto {
  @ApiPropertyOptional({
    description: 'Opaque; the nextCursor of the previous page. Absent: from the start',
    maxLength: 512,
  })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({
    example: 'lead,match',
    description: `Comma-separated subset of ${FEED_ENTITIES.join(', ')}`,
    maxLength: 200,
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^[a-z_,\s]*$/, {
    message: `entities must be a comma-separated list of ${FEED_ENTITIES.join(', ')}`,
  })
  entities?: string;
}

export class ChangeDto {
  @ApiProperty({ description: 'Opaque position of this change' }) cursor: string;
  @ApiProperty({ enum: FEED_ENTITIES }) entity: string;
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['upsert', 'delete'] }) op: string;
  @ApiProperty({ description: 'The version this entry records (one entry per version)' }) version: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The record as the caller may see it NOW (may be newer than `version`); null for deletes',
  })
  data: Record<string, unknown> | null;
}

export class ChangesPageDto {
  @ApiProperty({ type: [ChangeDto] }) changes: ChangeDto[];
  @ApiProperty({ description: 'Persist after processing this page; pass as ?cursor= next time' })
  nextCursor: string;
  @ApiProperty({ description: 'true: another page is ready now; false: poll again later' }) hasMore: boolean;
}
