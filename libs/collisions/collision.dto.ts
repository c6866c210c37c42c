import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { JURISDICTIONS } from '../common/request-context';
import type { Jurisdiction } from '../common/request-context';
import { LEAD_STAGES } from '../leads/lead-stage';

export const COLLISION_STATUSES = ['open', 'joint', 'yielded', 'dismissed'] as const;
export type CollisionStatus = (typeof COLLISION_STATUSES)[number];
export const RESOLUTIONS = ['joint', 'yielded', 'dismissed'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export class CollisionListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: COLLISION_STATUSES })
  @IsOptional()
  @IsIn(COLLISION_STATUSES as unknown as string[])
  status?: CollisionStatus;
}

export class ResolveCollisionDto {
  @ApiProperty({
    enum: RESOLUTIONS,
    description:
      'joint: both leads become shared and linked; yielded: your own lead moves to lost; dismissed: different investors',
  })
  @IsIn(RESOLUTIONS as unknown as string[])
  resolution: Resolution;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class CollisionMineDto {
  @ApiProperty({ format: 'uuid' }) leadId: string;
  @ApiProperty({ enum: LEAD_STAGES }) stage: string;
  @ApiProperty() title: string;
}

export class CollisionOtherDto {
  @ApiProperty({ enum: JURISDICTIONS }) jurisdiction: Jurisdiction;
  @ApiProperty({ enum: LEAD_STAGES }) stage: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'only when the other lead is shared' }) leadId?: string;
  @ApiPropertyOptional({ description: 'only when the other lead is shared (code name if confidential)' })
  title?: string;
}

export class CollisionViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['uscc', 'name'] }) basis: 'uscc' | 'name';
  @ApiProperty() similarity: number;
  @ApiProperty({ enum: JURISDICTIONS, description: 'whose lead is older (首报首谈)' })
  firstReportedBy: Jurisdiction;
  @ApiProperty({ enum: COLLISION_STATUSES }) status: CollisionStatus;
  @ApiPropertyOptional({ enum: JURISDICTIONS, nullable: true }) yieldedBy: Jurisdiction | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true }) resolvedBy: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true }) resolvedAt: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) note: string | null;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: CollisionMineDto }) mine: CollisionMineDto;
  @ApiProperty({ type: CollisionOtherDto }) other: CollisionOtherDto;
}
