import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { PageQuery } from '../common/pagination';
import { JURISDICTIONS } from '../common/request-context';
import type { Jurisdiction } from '../common/request-context';
import { IsUscc, NormalizeUscc, QueryBoolean, Trim } from './base-data';
import { MaxDecimalPlaces } from '../common/decimal';
import { ValidateNestedObjects } from '../common/validation';

/** Largest value numeric(16,2) holds, rounded down to a sane bound. */
export const MAX_WAN = 1e13;
const SEGMENT_CODE = /^[a-z0-9.-]{1,64}$/;

/** OpenAPI schemas of repeated fields (the validators below enforce the same limits). */
export const SEGMENTS_SCHEMA = {
  type: 'array',
  maxItems: 50,
  items: { type: 'string', maxLength: 64, pattern: '^[a-z0-9.-]+$' },
} as const;
const TAGS_SCHEMA = {
  type: 'array',
  maxItems: 50,
  items: { type: 'string', minLength: 1, maxLength: 50 },
} as const;
const USCC_SCHEMA = { minLength: 18, maxLength: 18, pattern: '^[0-9A-HJ-NPQRTUWXY]{18}$' } as const;

/** A record's id in a partner system (DESIGN §11 sync uses it as the upsert key). */
export class ExternalRefDto {
  @ApiProperty({
    example: 'mianyang-erp',
    description: 'the partner system',
    maxLength: 64,
    pattern: '^[A-Za-z0-9._:-]+$',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,64}$/, { message: 'system must be 1–64 letters, digits, . _ : -' })
  system: string;

  @ApiProperty({ example: 'E-10023', minLength: 1, maxLength: 128 })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  id: string;
}

export class EnterpriseDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ example: '重庆某某传感科技有限公司', maxLength: 200 }) name: string;
  @ApiProperty({ nullable: true, type: String, example: '91500109MA5U7ABCDM', ...USCC_SCHEMA }) uscc:
    string | null;
  @ApiProperty({ enum: JURISDICTIONS }) jurisdiction: Jurisdiction;
  @ApiProperty({ ...SEGMENTS_SCHEMA, example: ['ngit.sensors'], description: 'segments it produces (≥1)' })
  segments: string[];
  @ApiProperty({
    ...SEGMENTS_SCHEMA,
    example: ['nmat.advanced-alloys'],
    description: 'segments it buys from',
  })
  needs: string[];
  @ApiProperty({ description: 'chain leader (链主企业)' }) chainLeader: boolean;
  @ApiProperty({ nullable: true, type: Number, description: 'annual revenue, 万元' }) revenueWan:
    number | null;
  @ApiProperty({ nullable: true, type: Number }) employees: number | null;
  @ApiProperty({ nullable: true, type: String, maxLength: 500 }) address: string | null;
  @ApiProperty(TAGS_SCHEMA) tags: string[];
  @ApiProperty({ type: [ExternalRefDto], maxItems: 20 }) externalRefs: ExternalRefDto[];
  @ApiProperty({ example: 1, description: 'bumped on every change; the ETag' }) version: number;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) createdAt: string;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) updatedAt: string;
}

/**
 * Fields an enterprise body may carry. PATCH uses the same rules with every field optional;
 * required fields there accept "absent" but never `null` (ValidateIf instead of IsOptional).
 */
export class CreateEnterpriseDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: '重庆某某传感科技有限公司' })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'valid USCC, unique among enterprises',
    ...USCC_SCHEMA,
  })
  @IsOptional()
  @NormalizeUscc()
  @IsString()
  @IsUscc()
  uscc?: string | null;

  @ApiPropertyOptional({
    enum: JURISDICTIONS,
    description: 'always the caller’s jurisdiction; naming another one is refused (400)',
  })
  @IsOptional()
  @IsIn(JURISDICTIONS as unknown as string[])
  jurisdiction?: Jurisdiction;

  @ApiProperty({ ...SEGMENTS_SCHEMA, minItems: 1, example: ['ngit.sensors'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(SEGMENT_CODE, { each: true, message: 'each segment must be a segment code like ngit.sensors' })
  segments: string[];

  @ApiPropertyOptional({ ...SEGMENTS_SCHEMA, example: ['nmat.advanced-alloys'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(SEGMENT_CODE, { each: true, message: 'each need must be a segment code like ngit.sensors' })
  needs?: string[];

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  chainLeader?: boolean;

  @ApiPropertyOptional({ nullable: true, type: Number, minimum: 0, maximum: MAX_WAN })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimalPlaces(2)
  @Min(0)
  @Max(MAX_WAN)
  revenueWan?: number | null;

  @ApiPropertyOptional({ nullable: true, type: Number, minimum: 0, maximum: 10_000_000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  employees?: number | null;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  address?: string | null;

  @ApiPropertyOptional(TAGS_SCHEMA)
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(50, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ type: [ExternalRefDto], maxItems: 20 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNestedObjects()
  @Type(() => ExternalRefDto)
  externalRefs?: ExternalRefDto[];
}

const present = (field: string) => (o: Record<string, unknown>) => o[field] !== undefined;

export class UpdateEnterpriseDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @ValidateIf(present('name'))
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'null clears it', ...USCC_SCHEMA })
  @IsOptional()
  @NormalizeUscc()
  @IsString()
  @IsUscc()
  uscc?: string | null;

  @ApiPropertyOptional({
    enum: JURISDICTIONS,
    description: 'cannot change; only the current value is accepted',
  })
  @ValidateIf(present('jurisdiction'))
  @IsIn(JURISDICTIONS as unknown as string[])
  jurisdiction?: Jurisdiction;

  @ApiPropertyOptional({ ...SEGMENTS_SCHEMA, minItems: 1 })
  @ValidateIf(present('segments'))
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(SEGMENT_CODE, { each: true, message: 'each segment must be a segment code like ngit.sensors' })
  segments?: string[];

  @ApiPropertyOptional(SEGMENTS_SCHEMA)
  @ValidateIf(present('needs'))
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(SEGMENT_CODE, { each: true, message: 'each need must be a segment code like ngit.sensors' })
  needs?: string[];

  @ApiPropertyOptional()
  @ValidateIf(present('chainLeader'))
  @IsBoolean()
  chainLeader?: boolean;

  @ApiPropertyOptional({ nullable: true, type: Number, minimum: 0, maximum: MAX_WAN })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimalPlaces(2)
  @Min(0)
  @Max(MAX_WAN)
  revenueWan?: number | null;

  @ApiPropertyOptional({ nullable: true, type: Number, minimum: 0, maximum: 10_000_000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  employees?: number | null;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  address?: string | null;

  @ApiPropertyOptional(TAGS_SCHEMA)
  @ValidateIf(present('tags'))
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(50, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ type: [ExternalRefDto], maxItems: 20 })
  @ValidateIf(present('externalRefs'))
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNestedObjects()
  @Type(() => ExternalRefDto)
  externalRefs?: ExternalRefDto[];
}

export class EnterpriseListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: JURISDICTIONS })
  @IsOptional()
  @IsIn(JURISDICTIONS as unknown as string[])
  jurisdiction?: Jurisdiction;

  @ApiPropertyOptional({
    example: 'ngit.sensors',
    description: 'enterprises producing this segment',
    maxLength: 64,
    pattern: '^[a-z0-9.-]+$',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  segment?: string;

  @ApiPropertyOptional({
    example: 'ngit',
    description: 'enterprises with a segment of this industry',
    maxLength: 64,
    pattern: '^[a-z0-9-]+$',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  industry?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  chainLeader?: boolean;

  @ApiPropertyOptional({
    description: 'fuzzy name search (pg_trgm); results ranked by similarity',
    minLength: 1,
    maxLength: 100,
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  q?: string;
}

export class SegmentCountsQuery {
  @ApiPropertyOptional({
    description: 'Comma-separated segment codes; all segments when omitted',
    example: 'nev.cathode,nev.anode',
    maxLength: 4000,
  })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  segments?: string;
}

export class SegmentCountDto {
  @ApiProperty({ example: 'nev.cathode', maxLength: 100 }) segment: string;
  @ApiProperty({ enum: JURISDICTIONS }) jurisdiction: Jurisdiction;
  @ApiProperty({ example: 12, minimum: 0 }) count: number;
}

export class SegmentCountsDto {
  @ApiProperty({ type: [SegmentCountDto], maxItems: 1000 }) items: SegmentCountDto[];
}
