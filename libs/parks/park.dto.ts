import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
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
import { QueryBoolean, Trim } from '../enterprises/base-data';
import { SEGMENTS_SCHEMA } from '../enterprises/enterprise.dto';
import { MaxDecimalPlaces } from '../common/decimal';

const SEGMENT_CODE = /^[a-z0-9.-]{1,64}$/;
const MAX_MU = 1e9;
const MAX_SQM = 1e11;
const present = (field: string) => (o: Record<string, unknown>) => o[field] !== undefined;

export class ParkDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ example: '重庆市传感器特色产业基地', maxLength: 200 }) name: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'Chongqing Sensor Industry Base (Beibei)',
    maxLength: 200,
  })
  nameEn: string | null;
  @ApiProperty({
    enum: JURISDICTIONS,
    isArray: true,
    minItems: 1,
    maxItems: 2,
    description: 'one, or both for the co-built park',
  })
  jurisdictions: Jurisdiction[];
  @ApiProperty({ description: 'co-built by both jurisdictions; either may change it' }) coBuilt: boolean;
  @ApiProperty({ ...SEGMENTS_SCHEMA, example: ['ngit.sensors'] }) targetSegments: string[];
  @ApiProperty({ nullable: true, type: Number, description: 'available land, 亩' }) availableLandMu:
    number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'standard factory space, m²' })
  factorySpaceSqm: number | null;
  @ApiProperty({ nullable: true, type: String, maxLength: 4000 }) incentives: string | null;
  @ApiProperty({ example: 1, description: 'bumped on every change; the ETag' }) version: number;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) createdAt: string;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) updatedAt: string;
}

/** The fields of a park body other than `name` (required on create, optional on change). */
abstract class ParkBodyDto {
  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 200 })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  nameEn?: string | null;

  @ApiPropertyOptional({
    enum: JURISDICTIONS,
    isArray: true,
    minItems: 1,
    maxItems: 2,
    description: 'default: the caller’s; must include it; both only for a co-built park',
  })
  @ValidateIf(present('jurisdictions'))
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2)
  @ArrayUnique()
  @IsIn(JURISDICTIONS as unknown as string[], { each: true })
  jurisdictions?: Jurisdiction[];

  @ApiPropertyOptional({ description: 'default: true exactly when both jurisdictions are named' })
  @ValidateIf(present('coBuilt'))
  @IsBoolean()
  coBuilt?: boolean;

  @ApiPropertyOptional({ ...SEGMENTS_SCHEMA, example: ['ngit.sensors'] })
  @ValidateIf(present('targetSegments'))
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(SEGMENT_CODE, {
    each: true,
    message: 'each target segment must be a segment code like ngit.sensors',
  })
  targetSegments?: string[];

  @ApiPropertyOptional({ nullable: true, type: Number, minimum: 0, maximum: MAX_MU })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimalPlaces(2)
  @Min(0)
  @Max(MAX_MU)
  availableLandMu?: number | null;

  @ApiPropertyOptional({ nullable: true, type: Number, minimum: 0, maximum: MAX_SQM })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimalPlaces(2)
  @Min(0)
  @Max(MAX_SQM)
  factorySpaceSqm?: number | null;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 4000 })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  incentives?: string | null;
}

export class CreateParkDto extends ParkBodyDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: '绵阳—北碚特色产业合作园区' })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;
}

/** Every field optional; `name` may be absent but never null. */
export class UpdateParkDto extends ParkBodyDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @ValidateIf(present('name'))
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;
}

export class ParkListQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: JURISDICTIONS,
    description: 'parks this jurisdiction runs (co-built included)',
  })
  @IsOptional()
  @IsIn(JURISDICTIONS as unknown as string[])
  jurisdiction?: Jurisdiction;

  @ApiPropertyOptional({
    example: 'ngit.sensors',
    description: 'parks targeting this segment',
    maxLength: 64,
    pattern: '^[a-z0-9.-]+$',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  segment?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  coBuilt?: boolean;

  @ApiPropertyOptional({
    description: 'fuzzy search over the Chinese and English names (pg_trgm)',
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

export class ProposeParkJurisdictionsDto {
  @ApiProperty({
    enum: JURISDICTIONS,
    isArray: true,
    minItems: 1,
    maxItems: 2,
    description: 'what the park’s jurisdictions become: both to make it co-built, one to end co-building',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2)
  @ArrayUnique()
  @IsIn(JURISDICTIONS as unknown as string[], { each: true })
  jurisdictions: Jurisdiction[];

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}
