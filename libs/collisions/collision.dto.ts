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
      'yielded: your own lead moves to lost, at once. joint (both leads become shared and linked) and dismissed (different investors) are proposals: they take effect when a manager of the other city accepts the agreement',
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

export class CollisionPendingAgreementDto {
  @ApiProperty({
    format: 'uuid',
    description: 'the agreement (GET /agreements/:id; accept / decline / withdraw)',
  })
  id: string;
  @ApiProperty({ enum: ['joint', 'dismissed'] }) resolution: 'joint' | 'dismissed';
  @ApiProperty({ enum: JURISDICTIONS }) proposedBy: Jurisdiction;
  @ApiProperty({ description: 'the caller’s city decides it (等待我方确认); else 等待对方确认' })
  waitingOnMe: boolean;
  @ApiPropertyOptional({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
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
  @ApiPropertyOptional({
    type: CollisionPendingAgreementDto,
    nullable: true,
    description: 'a proposed joint / dismissed resolution waiting for the other city (DESIGN §14)',
  })
  pendingAgreement: CollisionPendingAgreementDto | null;
}
