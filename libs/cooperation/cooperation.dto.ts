import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { JURISDICTIONS } from '../common/request-context';
import type { Jurisdiction } from '../common/request-context';
import { ValidateNestedObjects } from '../common/validation';
import { QueryBoolean, Trim } from '../enterprises/base-data';
import { ACTION_FIELDS, ACTION_STATUSES, REPORT_STATUSES } from './action-item';
import type { ActionField, ActionStatus, Deadline, ReportStatus } from './action-item';
import { MEETING_KINDS } from './meeting';
import type { MeetingKind } from './meeting';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MESSAGE = '$property must be a day YYYY-MM-DD';
const MAX_LINKS = 200;

export class ActionPlanDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ maxLength: 200, example: '绵阳—北碚产业协同招商三年行动计划（2025—2027年）' }) title: string;
  @ApiProperty({ format: 'date', maxLength: 10 }) periodFrom: string;
  @ApiProperty({ format: 'date', maxLength: 10 }) periodTo: string;
  @ApiProperty({ enum: JURISDICTIONS }) createdByJurisdiction: Jurisdiction;
  @ApiProperty({ description: 'items of the plan' }) itemCount: number;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) createdAt: string;
}

export class CreateActionPlanDto {
  @ApiProperty({ maxLength: 200 })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title: string;

  @ApiProperty({ format: 'date', maxLength: 10 })
  @Matches(DAY, { message: DAY_MESSAGE })
  @IsISO8601({ strict: true })
  periodFrom: string;

  @ApiProperty({ format: 'date', maxLength: 10 })
  @Matches(DAY, { message: DAY_MESSAGE })
  @IsISO8601({ strict: true })
  periodTo: string;
}

export class ActionUnitDto {
  @ApiProperty({ enum: JURISDICTIONS })
  @IsIn(JURISDICTIONS)
  jurisdiction: Jurisdiction;

  @ApiProperty({ maxLength: 100, example: '北碚区招商投资促进局' })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  unit: string;

  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, nullable: true, type: String })
  @IsOptional()
  @IsUUID()
  contactUserId?: string | null;
}

export class ActionItemReportDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ enum: JURISDICTIONS }) jurisdiction: Jurisdiction;
  @ApiProperty({ maxLength: 100 }) author: string;
  @ApiProperty({ minimum: 0, maximum: 100 }) progress: number;
  @ApiProperty({ enum: REPORT_STATUSES, nullable: true }) status: ReportStatus | null;
  @ApiProperty({ maxLength: 2000 }) text: string;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) reportedAt: string;
}

export class ActionItemDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) planId: string;
  @ApiProperty({ maxLength: 20, example: '3.2' }) code: string;
  @ApiProperty({ maxLength: 200 }) title: string;
  @ApiProperty({ maxLength: 2000 }) scope: string;
  @ApiProperty({ enum: ACTION_FIELDS }) field: ActionField;
  @ApiProperty({ nullable: true, type: Number, description: 'one of that year’s ten key tasks' })
  keyTaskYear: number | null;
  @ApiProperty({ type: [ActionUnitDto], maxItems: 20 }) units: ActionUnitDto[];
  @ApiProperty({ format: 'date', maxLength: 10 }) dueAt: string;
  @ApiProperty({ enum: ACTION_STATUSES }) status: ActionStatus;
  @ApiProperty({ minimum: 0, maximum: 100 }) progress: number;
  @ApiProperty({
    description: 'each city’s own progress on its part (0–100)',
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { beibei: 60, mianyang: 40 },
  })
  progressBy: Partial<Record<Jurisdiction, number>>;
  @ApiProperty({
    enum: ['overdue', 'at_risk', 'on_track', 'closed'],
    description: 'overdue: past dueAt and not done; at_risk: due within 30 days',
  })
  deadline: Deadline;
  @ApiProperty({ type: [String], format: 'uuid', maxItems: MAX_LINKS }) leadIds: string[];
  @ApiProperty({ type: [String], format: 'uuid', maxItems: MAX_LINKS }) eventIds: string[];
  @ApiProperty({ type: [String], format: 'uuid', maxItems: MAX_LINKS }) parkIds: string[];
  @ApiProperty({
    format: 'uuid',
    maxLength: 36,
    nullable: true,
    type: String,
    description: 'the meeting whose decision it is',
  })
  meetingId: string | null;
  @ApiProperty({
    type: [ActionItemReportDto],
    maxItems: 1000,
    description: 'the progress timeline, oldest first (on GET /action-items/:id)',
  })
  reports?: ActionItemReportDto[];
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) updatedAt: string;
}

export class ActionItemListDto {
  @ApiProperty({ type: [ActionItemDto], maxItems: 1000 }) items: ActionItemDto[];
}
export class ActionPlanListDto {
  @ApiProperty({ type: [ActionPlanDto], maxItems: 1000 }) items: ActionPlanDto[];
}

/** The links an item keeps to leads, events and parks (changed directly, with If-Match). */
abstract class ActionItemLinksDto {
  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX_LINKS })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_LINKS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  leadIds?: string[];

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: MAX_LINKS,
    description: 'joint promotion events (DESIGN §16) by id',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_LINKS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  eventIds?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX_LINKS })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_LINKS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  parkIds?: string[];

  @ApiPropertyOptional({ nullable: true, type: Number, minimum: 2000, maximum: 2100 })
  @IsOptional()
  @IsInt()
  @Min(2000)
  @Max(2100)
  keyTaskYear?: number | null;
}

export class CreateActionItemDto extends ActionItemLinksDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 })
  @IsUUID()
  planId: string;

  @ApiProperty({ maxLength: 20, example: '3.2' })
  @Trim()
  @Matches(/^[0-9A-Za-z.-]{1,20}$/, { message: 'code: digits, letters, dots, e.g. 3.2' })
  code: string;

  @ApiProperty({ maxLength: 200 })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(2000)
  scope?: string;

  @ApiProperty({ enum: ACTION_FIELDS })
  @IsIn(ACTION_FIELDS)
  field: ActionField;

  @ApiProperty({ type: [ActionUnitDto], minItems: 1, maxItems: 20 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNestedObjects()
  @Type(() => ActionUnitDto)
  units: ActionUnitDto[];

  @ApiProperty({ format: 'date', maxLength: 10 })
  @Matches(DAY, { message: DAY_MESSAGE })
  @IsISO8601({ strict: true })
  dueAt: string;
}

/**
 * A change of an item. Links and `keyTaskYear` change directly; `title`, `scope`, `units` and
 * `dueAt` bind both governments: a body naming them answers 409 AGREEMENT_REQUIRED.
 */
export class UpdateActionItemDto extends ActionItemLinksDto {
  @ApiPropertyOptional({ maxLength: 200, description: 'only by agreement (409 AGREEMENT_REQUIRED)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  title?: string;

  @ApiPropertyOptional({ maxLength: 2000, description: 'only by agreement' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  scope?: string;

  @ApiPropertyOptional({ type: [ActionUnitDto], maxItems: 20, description: 'only by agreement' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNestedObjects()
  @Type(() => ActionUnitDto)
  units?: ActionUnitDto[];

  @ApiPropertyOptional({ format: 'date', maxLength: 10, description: 'only by agreement' })
  @IsOptional()
  @Matches(DAY, { message: DAY_MESSAGE })
  dueAt?: string;
}

/** A proposal to change what binds both cities; applies when the other city's manager accepts. */
export class ProposeActionItemChangeDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(2000)
  scope?: string;

  @ApiPropertyOptional({ type: [ActionUnitDto], minItems: 1, maxItems: 20 })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNestedObjects()
  @Type(() => ActionUnitDto)
  units?: ActionUnitDto[];

  @ApiPropertyOptional({ format: 'date', maxLength: 10 })
  @IsOptional()
  @Matches(DAY, { message: DAY_MESSAGE })
  @IsISO8601({ strict: true })
  dueAt?: string;

  @ApiPropertyOptional({ maxLength: 1000, description: 'why, for the other city' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

export class CreateReportDto {
  @ApiProperty({ minimum: 0, maximum: 100, description: 'your city’s progress on its own part' })
  @IsInt()
  @Min(0)
  @Max(100)
  progress: number;

  @ApiProperty({ maxLength: 2000 })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  text: string;

  @ApiPropertyOptional({ enum: REPORT_STATUSES })
  @IsOptional()
  @IsIn(REPORT_STATUSES)
  status?: ReportStatus;
}

export class ActionItemListQuery {
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36 })
  @IsOptional()
  @IsUUID()
  planId?: string;

  @ApiPropertyOptional({ enum: ACTION_FIELDS })
  @IsOptional()
  @IsIn(ACTION_FIELDS)
  field?: ActionField;

  @ApiPropertyOptional({ enum: ACTION_STATUSES })
  @IsOptional()
  @IsIn(ACTION_STATUSES)
  status?: ActionStatus;

  @ApiPropertyOptional({ enum: JURISDICTIONS, description: 'items with a unit of this city' })
  @IsOptional()
  @IsIn(JURISDICTIONS)
  jurisdiction?: Jurisdiction;

  @ApiPropertyOptional({ description: 'only overdue items (true) or only the others (false)' })
  @IsOptional()
  @QueryBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({ minimum: 2000, maximum: 2100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  keyTaskYear?: number;
}

export class MeetingDecisionDto {
  @ApiProperty({ maxLength: 1000 }) text: string;
  @ApiProperty({
    format: 'uuid',
    maxLength: 36,
    nullable: true,
    type: String,
    description: 'the action item it became',
  })
  actionItemId: string | null;
}

export class MeetingDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ enum: MEETING_KINDS }) kind: MeetingKind;
  @ApiProperty({ maxLength: 200, nullable: true, type: String }) title: string | null;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) heldAt: string;
  @ApiProperty({ maxLength: 200 }) place: string;
  @ApiProperty({ maxLength: 200 }) host: string;
  @ApiProperty({ type: [String], maxItems: 200 }) attendees: string[];
  @ApiProperty({ type: [String], maxItems: 50 }) agenda: string[];
  @ApiProperty({ type: [MeetingDecisionDto], maxItems: 50 }) decisions: MeetingDecisionDto[];
  @ApiProperty({ enum: JURISDICTIONS }) createdByJurisdiction: Jurisdiction;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) updatedAt: string;
}

export class MeetingListDto {
  @ApiProperty({ type: [MeetingDto], maxItems: 1000 }) items: MeetingDto[];
}

abstract class MeetingBodyDto {
  @ApiPropertyOptional({ maxLength: 200, nullable: true, type: String })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  title?: string | null;

  @ApiPropertyOptional({ type: [String], maxItems: 200 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  attendees?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: 50 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  agenda?: string[];

  @ApiPropertyOptional({
    type: [String],
    maxItems: 50,
    description:
      'the decisions’ texts; on PATCH the whole list (a decision already made an item keeps its text)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(1000, { each: true })
  decisions?: string[];
}

export class CreateMeetingDto extends MeetingBodyDto {
  @ApiProperty({ enum: MEETING_KINDS })
  @IsIn(MEETING_KINDS)
  kind: MeetingKind;

  @ApiProperty({ format: 'date-time', maxLength: 30 })
  @IsISO8601({ strict: true })
  @MaxLength(30)
  heldAt: string;

  @ApiProperty({ maxLength: 200 })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  place: string;

  @ApiProperty({ maxLength: 200, example: '北碚区人民政府' })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  host: string;
}

export class UpdateMeetingDto extends MeetingBodyDto {
  @ApiPropertyOptional({ format: 'date-time', maxLength: 30 })
  @IsOptional()
  @IsISO8601({ strict: true })
  @MaxLength(30)
  heldAt?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  place?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  host?: string;
}

/** Turns decision `index` of a meeting into an item of a plan. */
export class DecisionToItemDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 })
  @IsUUID()
  planId: string;

  @ApiProperty({ maxLength: 20 })
  @Trim()
  @Matches(/^[0-9A-Za-z.-]{1,20}$/, { message: 'code: digits, letters, dots, e.g. 3.2' })
  code: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'default: the decision’s text' })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title?: string;

  @ApiProperty({ enum: ACTION_FIELDS })
  @IsIn(ACTION_FIELDS)
  field: ActionField;

  @ApiProperty({ type: [ActionUnitDto], minItems: 1, maxItems: 20 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNestedObjects()
  @Type(() => ActionUnitDto)
  units: ActionUnitDto[];

  @ApiProperty({ format: 'date', maxLength: 10 })
  @Matches(DAY, { message: DAY_MESSAGE })
  @IsISO8601({ strict: true })
  dueAt: string;

  @ApiPropertyOptional({ nullable: true, type: Number, minimum: 2000, maximum: 2100 })
  @IsOptional()
  @IsInt()
  @Min(2000)
  @Max(2100)
  keyTaskYear?: number | null;
}

export class PackQuery {
  @ApiPropertyOptional({ enum: ['json', 'docx', 'xlsx'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'docx', 'xlsx'])
  format?: 'json' | 'docx' | 'xlsx';
}

// ---- the meeting pack (its shape: libs/cooperation/meeting-pack.ts) ----

export class ByCityDto {
  @ApiProperty() beibei: number;
  @ApiProperty() mianyang: number;
}

export class PackItemDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ maxLength: 20 }) code: string;
  @ApiProperty({ maxLength: 200 }) title: string;
  @ApiProperty({ maxLength: 20 }) fieldName: string;
  @ApiProperty({ maxLength: 2000 }) units: string;
  @ApiProperty({ format: 'date', maxLength: 10 }) dueAt: string;
  @ApiProperty({ maxLength: 10 }) statusName: string;
  @ApiProperty({ minimum: 0, maximum: 100 }) progress: number;
}

class PackPeriodDto {
  @ApiProperty({ format: 'date-time', maxLength: 30 }) from: string;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) to: string;
  @ApiProperty({ format: 'date', maxLength: 10 }) fromDay: string;
  @ApiProperty({ format: 'date', maxLength: 10 }) toDay: string;
}

class PackPreviousMeetingDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id: string;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) heldAt: string;
  @ApiProperty({ maxLength: 200, nullable: true, type: String }) title: string | null;
}

class PackTotalsDto {
  @ApiProperty({ type: ByCityDto }) newLeads: ByCityDto;
  @ApiProperty({ type: ByCityDto }) signed: ByCityDto;
  @ApiProperty({ type: ByCityDto, description: '万元' }) contractAmountWan: ByCityDto;
  @ApiProperty({ type: ByCityDto, description: '万元' }) fundsInPlaceWan: ByCityDto;
  @ApiProperty({ type: ByCityDto }) matchesAccepted: ByCityDto;
  @ApiProperty() collisions: number;
}

class PackIndustryRowDto {
  @ApiProperty({ maxLength: 64 }) industry: string;
  @ApiProperty({ maxLength: 64 }) industryName: string;
  @ApiProperty({ type: ByCityDto }) newLeads: ByCityDto;
  @ApiProperty({ type: ByCityDto }) signed: ByCityDto;
  @ApiProperty({ type: ByCityDto, description: 'contract amount, 万元' }) amount: ByCityDto;
  @ApiProperty({ type: ByCityDto, description: 'funds in place, 万元' }) funds: ByCityDto;
}

class PackFunnelRowDto extends ByCityDto {
  @ApiProperty({ maxLength: 20 }) stage: string;
  @ApiProperty({ maxLength: 20 }) stageName: string;
}

class PackSignedDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) leadId: string;
  @ApiProperty({ maxLength: 200, description: 'the code name for a confidential lead of the partner' })
  title: string;
  @ApiProperty({ enum: JURISDICTIONS }) jurisdiction: Jurisdiction;
  @ApiProperty({ maxLength: 64 }) industryName: string;
  @ApiProperty({ format: 'date', maxLength: 10 }) signedAt: string;
  @ApiProperty() contractAmountWan: number;
  @ApiProperty() fundsInPlaceWan: number;
}

class PackMatchesDto {
  @ApiProperty({ enum: JURISDICTIONS }) jurisdiction: Jurisdiction;
  @ApiProperty() partner: number;
  @ApiProperty() park: number;
}

class PackCollisionsDto {
  @ApiProperty({ maxLength: 20 }) status: string;
  @ApiProperty({ maxLength: 20 }) statusName: string;
  @ApiProperty() count: number;
}

class PackEventDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ maxLength: 200 }) title: string;
  @ApiProperty({ enum: JURISDICTIONS, isArray: true }) hosts: Jurisdiction[];
  @ApiProperty({ format: 'date', description: 'the day it started (Asia/Shanghai)' }) day: string;
  @ApiProperty({ description: 'leads raised at the event (both cities, counted)' }) leads: number;
  @ApiProperty({ description: 'of those, signed' }) signed: number;
  @ApiProperty({ description: 'contract amount of the signed ones, 万元' }) contractAmountWan: number;
}

class PackEventsDto {
  @ApiProperty({ description: 'joint events linked to action items' }) linkedToItems: number;
  @ApiProperty({ type: [PackEventDto], description: 'promotion events held in the period' })
  held: PackEventDto[];
}

class PackActionItemsDto {
  @ApiProperty() total: number;
  @ApiProperty({ type: [PackItemDto], maxItems: 1000, description: 'done in the period' })
  done: PackItemDto[];
  @ApiProperty({ type: [PackItemDto], maxItems: 1000 }) overdue: PackItemDto[];
  @ApiProperty({ type: [PackItemDto], maxItems: 1000, description: 'due within 30 days' })
  atRisk: PackItemDto[];
}

class PackDecisionDto {
  @ApiProperty({ maxLength: 1000 }) text: string;
  @ApiProperty({ type: PackItemDto, nullable: true }) item: PackItemDto | null;
}

export class MeetingPackDto {
  @ApiProperty({ type: MeetingDto }) meeting: MeetingDto;
  @ApiProperty({ maxLength: 50 }) kindName: string;
  @ApiProperty({ enum: JURISDICTIONS, description: 'the city the pack was made for' }) viewer: Jurisdiction;
  @ApiProperty({ type: PackPeriodDto, description: 'since the previous meeting of the same kind' })
  period: PackPeriodDto;
  @ApiProperty({ type: PackPreviousMeetingDto, nullable: true })
  previousMeeting: PackPreviousMeetingDto | null;
  @ApiProperty({ type: PackTotalsDto }) totals: PackTotalsDto;
  @ApiProperty({ type: [PackIndustryRowDto], maxItems: 100 }) byIndustry: PackIndustryRowDto[];
  @ApiProperty({ type: [PackFunnelRowDto], maxItems: 20 }) funnel: PackFunnelRowDto[];
  @ApiProperty({ type: [PackSignedDto], maxItems: 10 }) topSigned: PackSignedDto[];
  @ApiProperty({ type: [PackMatchesDto], maxItems: 2 }) matchesAccepted: PackMatchesDto[];
  @ApiProperty({ type: [PackCollisionsDto], maxItems: 10 }) collisions: PackCollisionsDto[];
  @ApiProperty({ type: PackEventsDto }) events: PackEventsDto;
  @ApiProperty({ type: PackActionItemsDto }) actionItems: PackActionItemsDto;
  @ApiProperty({ type: [PackDecisionDto], maxItems: 50 }) previousDecisions: PackDecisionDto[];
}
