import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { JURISDICTIONS } from '../common/request-context';
import type { Jurisdiction } from '../common/request-context';
import { AGREEMENT_STATUSES } from './agreement';
import type { AgreementStatus } from './agreement';

export class AgreementListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: AGREEMENT_STATUSES })
  @IsOptional()
  @IsIn(AGREEMENT_STATUSES as unknown as string[])
  status?: AgreementStatus;

  @ApiPropertyOptional({ maxLength: 64, example: 'collision.resolve' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  kind?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'only agreements about this record' })
  @IsOptional()
  @IsUUID()
  subjectId?: string;
}

export class DecideAgreementDto {
  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class AgreementSubjectDto {
  @ApiProperty({ example: 'collision', maxLength: 32 }) entity: string;
  @ApiProperty({ format: 'uuid' }) id: string;
}

export class AgreementPartyDto {
  @ApiProperty({ enum: JURISDICTIONS }) jurisdiction: Jurisdiction;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) userId: string | null;
}

export class AgreementViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'collision.resolve', description: 'collision.resolve | park.jurisdictions | …' })
  kind: string;
  @ApiProperty({ type: AgreementSubjectDto }) subject: AgreementSubjectDto;
  @ApiProperty({ type: AgreementPartyDto }) proposedBy: AgreementPartyDto;
  @ApiProperty({ enum: JURISDICTIONS, description: 'the city whose manager (admin, for parks) decides' })
  decidingJurisdiction: Jurisdiction;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'what takes effect on acceptance, e.g. {"resolution":"joint"} or {"jurisdictions":["beibei","mianyang"],"coBuilt":true}',
  })
  change: Record<string, unknown>;
  @ApiPropertyOptional({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ enum: AGREEMENT_STATUSES }) status: AgreementStatus;
  @ApiProperty({ description: 'pending and the caller’s city decides it' }) waitingOnMe: boolean;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) decidedBy: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) decidedAt: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) decisionNote: string | null;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}
