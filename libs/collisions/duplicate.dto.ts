import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { LEAD_STAGES } from '../leads/lead-stage';

export const DUPLICATE_STATUSES = ['open', 'merged', 'dismissed'] as const;
export type DuplicateStatus = (typeof DUPLICATE_STATUSES)[number];

export class DuplicateListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DUPLICATE_STATUSES })
  @IsOptional()
  @IsIn(DUPLICATE_STATUSES as unknown as string[])
  status?: DuplicateStatus;
}

export class DuplicateDecisionDto {
  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class DuplicateLeadDto {
  @ApiProperty({ format: 'uuid' }) leadId: string;
  @ApiProperty() title: string;
  @ApiProperty() investorName: string;
  @ApiProperty({ enum: LEAD_STAGES }) stage: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) ownerId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ description: 'timeline entries' }) activities: number;
}

export class DuplicateViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['uscc', 'name'] }) basis: 'uscc' | 'name';
  @ApiProperty() similarity: number;
  @ApiProperty({ enum: DUPLICATE_STATUSES }) status: DuplicateStatus;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) resolvedBy: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) resolvedAt: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) note: string | null;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: DuplicateLeadDto, description: 'the lead a merge keeps (created first)' })
  older: DuplicateLeadDto;
  @ApiProperty({ type: DuplicateLeadDto, description: 'the lead a merge folds into the older one' })
  newer: DuplicateLeadDto;
}
