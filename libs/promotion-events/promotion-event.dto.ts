import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { MaxDecimalPlaces } from '../common/decimal';
import { PageQuery } from '../common/pagination';
import { JURISDICTIONS } from '../common/request-context';
import type { Jurisdiction } from '../common/request-context';
import { ValidateNestedObjects } from '../common/validation';
import { Trim } from '../enterprises/base-data';
import { SEGMENTS_SCHEMA } from '../enterprises/enterprise.dto';
import { IsSaneDate, MAX_DATE_TIME_LENGTH } from '../leads/lead.dto';
import { EVENT_KINDS, INVITEE_STATUSES } from './promotion-event';
import type { EventKind, InviteeStatus } from './promotion-event';

export const EVENT_LIMITS = {
  title: 200,
  venue: 200,
  city: 100,
  summary: 4000,
  focusSegments: 20,
  invitees: 500,
  inviteeName: 200,
  budgetWan: 1e9,
  note: 1000,
};
const SEGMENT_CODE = /^[a-z0-9.-]{1,64}$/;
const present = (field: string) => (o: Record<string, unknown>) => o[field] !== undefined;

export class InviteeDto {
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'an enterprise of the base data',
  })
  enterpriseId: string | null;
  @ApiProperty({ maxLength: EVENT_LIMITS.inviteeName, description: 'the enterprise’s name, or the guest’s' })
  name: string;
  @ApiProperty({ enum: INVITEE_STATUSES }) status: InviteeStatus;
}

export class EventDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ maxLength: EVENT_LIMITS.title, example: '绵阳—北碚新能源汽车产业链对接会' }) title: string;
  @ApiProperty({ enum: EVENT_KINDS }) kind: EventKind;
  @ApiProperty({
    enum: JURISDICTIONS,
    isArray: true,
    minItems: 1,
    maxItems: 2,
    description: 'one city, or both (co-hosted, only by an accepted agreement)',
  })
  hosts: Jurisdiction[];
  @ApiProperty({ format: 'date-time', maxLength: 30 }) startsAt: string;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) endsAt: string;
  @ApiProperty({ maxLength: EVENT_LIMITS.venue }) venue: string;
  @ApiProperty({ maxLength: EVENT_LIMITS.city, description: 'where it is held, e.g. 深圳' }) city: string;
  @ApiProperty({ ...SEGMENTS_SCHEMA, description: 'segment codes of the taxonomy' }) focusSegments: string[];
  @ApiProperty({ type: [InviteeDto] }) invitees: InviteeDto[];
  @ApiProperty({ nullable: true, type: Number, description: 'budget, 万元' }) budgetWan: number | null;
  @ApiProperty({ maxLength: EVENT_LIMITS.summary }) summary: string;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'the co-hosting agreement waiting on the other city',
  })
  pendingCohostAgreementId: string | null;
  @ApiProperty({ description: 'bumped on every change; the ETag' }) version: number;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) createdAt: string;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) updatedAt: string;
}

export class InviteeInputDto {
  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'an enterprise (its name is used)',
  })
  @IsOptional()
  @IsUUID('all')
  enterpriseId?: string | null;

  @ApiPropertyOptional({
    maxLength: EVENT_LIMITS.inviteeName,
    minLength: 1,
    description: 'required without enterpriseId',
  })
  @ValidateIf((o: InviteeInputDto) => !o.enterpriseId || o.name !== undefined)
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(EVENT_LIMITS.inviteeName)
  name?: string;

  @ApiPropertyOptional({ enum: INVITEE_STATUSES, default: 'invited' })
  @ValidateIf(present('status'))
  @IsIn(INVITEE_STATUSES as unknown as string[])
  status?: InviteeStatus;
}

abstract class EventBodyDto {
  @ApiPropertyOptional({ maxLength: EVENT_LIMITS.venue })
  @ValidateIf(present('venue'))
  @Trim()
  @IsString()
  @MaxLength(EVENT_LIMITS.venue)
  venue?: string;

  @ApiPropertyOptional({ maxLength: EVENT_LIMITS.city })
  @ValidateIf(present('city'))
  @Trim()
  @IsString()
  @MaxLength(EVENT_LIMITS.city)
  city?: string;

  @ApiPropertyOptional({ ...SEGMENTS_SCHEMA, maxItems: EVENT_LIMITS.focusSegments })
  @ValidateIf(present('focusSegments'))
  @IsArray()
  @ArrayMaxSize(EVENT_LIMITS.focusSegments)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(SEGMENT_CODE, { each: true })
  focusSegments?: string[];

  @ApiPropertyOptional({ nullable: true, type: Number, minimum: 0, maximum: EVENT_LIMITS.budgetWan })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimalPlaces(2)
  @Min(0)
  @Max(EVENT_LIMITS.budgetWan)
  budgetWan?: number | null;

  @ApiPropertyOptional({ maxLength: EVENT_LIMITS.summary })
  @ValidateIf(present('summary'))
  @IsString()
  @MaxLength(EVENT_LIMITS.summary)
  summary?: string;
}

export class CreateEventDto extends EventBodyDto {
  @ApiProperty({ maxLength: EVENT_LIMITS.title, minLength: 1 })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(EVENT_LIMITS.title)
  title: string;

  @ApiProperty({ enum: EVENT_KINDS })
  @IsIn(EVENT_KINDS as unknown as string[])
  kind: EventKind;

  @ApiPropertyOptional({
    enum: JURISDICTIONS,
    isArray: true,
    minItems: 1,
    maxItems: 2,
    description:
      'default: the caller’s; must include it. Naming both creates the event for the caller’s city and ' +
      'proposes co-hosting to the other (an `event.cohost` agreement its manager accepts).',
  })
  @ValidateIf(present('hosts'))
  @IsArray()
  @ArrayMaxSize(2)
  @ArrayUnique()
  @IsIn(JURISDICTIONS as string[], { each: true })
  hosts?: Jurisdiction[];

  @ApiProperty({ format: 'date-time', maxLength: MAX_DATE_TIME_LENGTH })
  @IsISO8601({ strict: true })
  @IsSaneDate()
  startsAt: string;

  @ApiProperty({ format: 'date-time', maxLength: MAX_DATE_TIME_LENGTH, description: 'not before startsAt' })
  @IsISO8601({ strict: true })
  @IsSaneDate()
  endsAt: string;

  @ApiPropertyOptional({ type: [InviteeInputDto], maxItems: EVENT_LIMITS.invitees })
  @ValidateIf(present('invitees'))
  @IsArray()
  @ArrayMaxSize(EVENT_LIMITS.invitees)
  @ValidateNestedObjects()
  @Type(() => InviteeInputDto)
  invitees?: InviteeInputDto[];

  @ApiPropertyOptional({ maxLength: EVENT_LIMITS.note, description: 'a note for the co-hosting proposal' })
  @IsOptional()
  @IsString()
  @MaxLength(EVENT_LIMITS.note)
  cohostNote?: string;
}

export class UpdateEventDto extends EventBodyDto {
  @ApiPropertyOptional({ maxLength: EVENT_LIMITS.title, minLength: 1 })
  @ValidateIf(present('title'))
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(EVENT_LIMITS.title)
  title?: string;

  @ApiPropertyOptional({ enum: EVENT_KINDS })
  @ValidateIf(present('kind'))
  @IsIn(EVENT_KINDS as unknown as string[])
  kind?: EventKind;

  @ApiPropertyOptional({
    enum: JURISDICTIONS,
    isArray: true,
    description: 'only as it is: hosts change by agreement (409 AGREEMENT_REQUIRED)',
  })
  @ValidateIf(present('hosts'))
  @IsArray()
  @ArrayMaxSize(2)
  @IsIn(JURISDICTIONS as string[], { each: true })
  hosts?: Jurisdiction[];

  @ApiPropertyOptional({ format: 'date-time', maxLength: MAX_DATE_TIME_LENGTH })
  @ValidateIf(present('startsAt'))
  @IsISO8601({ strict: true })
  @IsSaneDate()
  startsAt?: string;

  @ApiPropertyOptional({ format: 'date-time', maxLength: MAX_DATE_TIME_LENGTH })
  @ValidateIf(present('endsAt'))
  @IsISO8601({ strict: true })
  @IsSaneDate()
  endsAt?: string;
}

export class PutInviteesDto {
  @ApiProperty({ type: [InviteeInputDto], maxItems: EVENT_LIMITS.invitees, description: 'the whole list' })
  @IsArray()
  @ArrayMaxSize(EVENT_LIMITS.invitees)
  @ValidateNestedObjects()
  @Type(() => InviteeInputDto)
  invitees: InviteeInputDto[];
}

export class InviteeListDto {
  @ApiProperty({ type: [InviteeDto] }) items: InviteeDto[];
  @ApiProperty() version: number;
}

export class CohostProposalDto {
  @ApiPropertyOptional({ maxLength: EVENT_LIMITS.note })
  @IsOptional()
  @IsString()
  @MaxLength(EVENT_LIMITS.note)
  note?: string;
}

export class EventListQuery extends PageQuery {
  @ApiPropertyOptional({
    format: 'date-time',
    maxLength: MAX_DATE_TIME_LENGTH,
    description: 'events ending at or after',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @IsSaneDate()
  from?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    maxLength: MAX_DATE_TIME_LENGTH,
    description: 'events starting before',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @IsSaneDate()
  to?: string;

  @ApiPropertyOptional({ enum: EVENT_KINDS })
  @IsOptional()
  @IsIn(EVENT_KINDS as unknown as string[])
  kind?: EventKind;

  @ApiPropertyOptional({ enum: JURISDICTIONS, description: 'events this city hosts (alone or jointly)' })
  @IsOptional()
  @IsIn(JURISDICTIONS as string[])
  host?: Jurisdiction;
}

export class SuggestionQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class ReasonDto {
  @ApiProperty({ maxLength: 40 }) code: string;
  @ApiProperty({ maxLength: 500 }) text: string;
}

export class InviteeSuggestionDto {
  @ApiProperty({ format: 'uuid' }) enterpriseId: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: JURISDICTIONS }) jurisdiction: string;
  @ApiProperty() chainLeader: boolean;
  @ApiProperty({ enum: ['upstream', 'downstream'], description: 'relative to the focus segments' })
  relation: string;
  @ApiProperty({ enum: ['core', 'supporting'] }) strength: string;
  @ApiProperty({ type: [ReasonDto] }) reasons: ReasonDto[];
}

export class InviteeSuggestionListDto {
  @ApiProperty({ type: [InviteeSuggestionDto] }) items: InviteeSuggestionDto[];
}

export class OutcomeLeadDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: JURISDICTIONS }) jurisdiction: string;
  @ApiProperty() stage: string;
  @ApiProperty({ nullable: true, type: Number }) contractAmountWan: number | null;
  @ApiProperty() fundsInPlaceWan: number;
}

export class EventOutcomesDto {
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ description: 'leads raised at the event (both cities, private ones counted too)' })
  leads: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'leads by current stage',
  })
  byStage: Record<string, number>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'leads that got at least this far along lead → operating',
  })
  reached: Record<string, number>;
  @ApiProperty({ description: 'leads with a signing day' }) signed: number;
  @ApiProperty({ description: '签约额 of the signed leads, 万元' }) contractAmountWan: number;
  @ApiProperty({ description: '到位资金 of the signed leads, 万元' }) fundsInPlaceWan: number;
  @ApiProperty({ nullable: true, type: Number }) budgetWan: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'budgetWan / signed; null when none signed' })
  costPerSignedWan: number | null;
  @ApiProperty({
    type: [OutcomeLeadDto],
    description: 'the leads the caller may see, as the caller sees them',
  })
  visibleLeads: OutcomeLeadDto[];
}

export class FeedTokenDto {
  @ApiProperty({ description: 'shown once; a new one replaces it' }) token: string;
  @ApiProperty({ description: 'the calendar address, relative to the server' }) path: string;
}
