import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';
import { PageQuery } from '../common/pagination';
import { JURISDICTIONS } from '../common/request-context';
import type { Jurisdiction } from '../common/request-context';
import { isValidUscc } from '../uscc/uscc';
import { FACT_LIMITS, checkFactDate } from './lead-milestones';
import { INITIAL_STAGES, LEAD_STAGES } from './lead-stage';
import type { LeadStage } from './lead-stage';
import type { LeadSharing, LeadSource } from './lead-view';
import { MaxDecimalPlaces } from '../common/decimal';
import { ValidateNestedObjects } from '../common/validation';

export const LEAD_SOURCES: readonly LeadSource[] = [
  'referral',
  'event',
  'inbound',
  'partner_system',
  'research',
  'other',
];
export const SHARINGS: readonly LeadSharing[] = ['private', 'shared'];
export const ACTIVITY_TYPES = ['visit', 'call', 'meeting', 'email', 'event', 'note'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** Sane upper bounds: a typo of three extra zeros is a 400, not a record (DESIGN §11). */
export const LIMITS = {
  title: 200,
  investorName: 200,
  country: 60,
  summary: 4000,
  codeName: 100,
  segments: 20,
  plannedInvestmentWan: 1e9, // 10 trillion CNY
  landNeedMu: 100_000,
  expectedJobs: 1_000_000,
  contacts: 50,
  externalRefs: 20,
  note: 2000,
  activitySummary: 4000,
  q: 100,
};

const PHONE = /^\+?[0-9][0-9 ()-]{4,30}$/;

/** A present value must be valid; `null` is refused (the field cannot be cleared). */
const Present = () => ValidateIf((_o, v) => v !== undefined);

export function IsUscc(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isUscc',
      validator: {
        validate: (v: unknown) => isValidUscc(v),
        defaultMessage: () => 'must be a valid 18-character USCC (GB 32100-2015)',
      },
    },
    options,
  );
}

const upperTrim = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toUpperCase() : value;

/** The longest ISO 8601 date-time taken (2026-01-01T08:00:00.000000+08:00 is 32). */
export const MAX_DATE_TIME_LENGTH = 40;

/** Rejects dates outside 1970–2200 (a year 20026 is a typo, not a plan). */
export function IsSaneDate(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isSaneDate',
      validator: {
        validate: (v: unknown) => {
          if (typeof v !== 'string' || v.length > MAX_DATE_TIME_LENGTH) return false;
          const t = Date.parse(v);
          return Number.isFinite(t) && t >= 0 && t < Date.UTC(2200, 0, 1);
        },
        defaultMessage: () => 'must be an ISO 8601 date between 1970 and 2200',
      },
    },
    options,
  );
}

/** A calendar date YYYY-MM-DD that has happened (a milestone, a payment): DESIGN §6. */
export function IsFactDate(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isFactDate',
      validator: {
        validate: (v: unknown) => checkFactDate(v) === null,
        defaultMessage: (args) => checkFactDate(args?.value) ?? 'must be a date YYYY-MM-DD',
      },
    },
    options,
  );
}

const MONEY = { allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 };

/** One entry of funds actually in place (到位资金). */
export class FundsEntryDto {
  @ApiProperty({
    format: 'date',
    minLength: 10,
    maxLength: 10,
    example: '2026-10-20',
    description: 'the day the money arrived',
  })
  @IsFactDate()
  at: string;

  @ApiProperty({ minimum: 0, maximum: FACT_LIMITS.amountWan, description: '万元', example: 12000 })
  @IsNumber(MONEY)
  @Min(0)
  @Max(FACT_LIMITS.amountWan)
  amountWan: number;

  @ApiPropertyOptional({ maxLength: FACT_LIMITS.fundsNote, example: '首期注册资本金到位' })
  @IsOptional()
  @IsString()
  @MaxLength(FACT_LIMITS.fundsNote)
  note?: string;
}

/**
 * Milestone facts (DESIGN §6): entering `signed` needs `signedAt` and `contractAmountWan`,
 * `registered` the project company's `projectUscc`, `started` `startedAt`, `operating`
 * `operatingAt`; a lead past a milestone keeps its facts.
 */
export class MilestoneFactsDto {
  @ApiPropertyOptional({
    type: String,
    format: 'date',
    nullable: true,
    minLength: 10,
    maxLength: 10,
    description: '签约日期 (YYYY-MM-DD)',
  })
  @IsOptional()
  @IsFactDate()
  signedAt?: string | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: FACT_LIMITS.amountWan,
    description: '签约额, 万元',
  })
  @IsOptional()
  @IsNumber(MONEY)
  @Min(0)
  @Max(FACT_LIMITS.amountWan)
  contractAmountWan?: number | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    minLength: 18,
    maxLength: 18,
    example: '91510700MA6XXXXXXY',
    description: 'USCC of the local project company (注册落地), validated (GB 32100-2015)',
  })
  @IsOptional()
  @Transform(upperTrim)
  @IsUscc()
  projectUscc?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'date',
    nullable: true,
    minLength: 10,
    maxLength: 10,
    description: '开工日期',
  })
  @IsOptional()
  @IsFactDate()
  startedAt?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'date',
    nullable: true,
    minLength: 10,
    maxLength: 10,
    description: '投产日期',
  })
  @IsOptional()
  @IsFactDate()
  operatingAt?: string | null;
}

export class ContactDto {
  @ApiProperty({ example: '张经理', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ApiPropertyOptional({ example: '投资总监', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  title?: string;

  @ApiPropertyOptional({ example: '+86 138 0000 0000', minLength: 5, maxLength: 32 })
  @IsOptional()
  @IsString()
  @Matches(PHONE, { message: 'must be a phone number (digits, spaces, +, -, parentheses)' })
  phone?: string;

  @ApiPropertyOptional({ example: 'zhang@example.com' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'must be an email address' })
  email?: string;
}

export class ExternalRefDto {
  @ApiProperty({ example: 'mianyang-crm', maxLength: 64 })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  system: string;

  @ApiProperty({ example: 'L-2026-0042', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  id: string;
}

export class InvestorDto {
  @ApiProperty({ example: '宁德时代新能源科技股份有限公司', maxLength: LIMITS.investorName })
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.investorName)
  name: string;

  @ApiPropertyOptional({
    type: String,
    example: '91350900587527783P',
    minLength: 18,
    maxLength: 18,
    description: 'USCC, validated (GB 32100-2015); trimmed and upper-cased first',
  })
  @IsOptional()
  @Transform(upperTrim)
  @IsUscc()
  uscc?: string | null;

  @ApiPropertyOptional({ format: 'uuid', description: 'The investor in the shared enterprise base' })
  @IsOptional()
  @IsUUID()
  enterpriseId?: string | null;

  @ApiPropertyOptional({ type: String, example: 'CN', maxLength: LIMITS.country })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.country)
  country?: string | null;
}

/** PATCH of the investor: every field optional; `name` cannot be cleared. */
export class UpdateInvestorDto {
  @ApiPropertyOptional({ maxLength: LIMITS.investorName })
  @Present()
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.investorName)
  name?: string;

  @ApiPropertyOptional({ type: String, nullable: true, minLength: 18, maxLength: 18 })
  @IsOptional()
  @Transform(upperTrim)
  @IsUscc()
  uscc?: string | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID()
  enterpriseId?: string | null;

  @ApiPropertyOptional({ nullable: true, maxLength: LIMITS.country })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.country)
  country?: string | null;
}

/** Fields shared by create and change. */
class LeadFieldsDto extends MilestoneFactsDto {
  @ApiPropertyOptional({ maxLength: LIMITS.summary })
  @Present()
  @IsString()
  @MaxLength(LIMITS.summary)
  summary?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: LIMITS.summary,
    description:
      'written by the owner for the partner city; shown there instead of `summary` when confidential',
  })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.summary)
  partnerSummary?: string | null;

  @ApiPropertyOptional({
    type: [FundsEntryDto],
    maxItems: FACT_LIMITS.fundsEntries,
    description:
      '到位资金, the whole list (PATCH replaces it: send the list you edited, with If-Match); to add one ' +
      'entry use POST /leads/{id}/funds',
  })
  @Present()
  @IsArray()
  @ArrayMaxSize(FACT_LIMITS.fundsEntries)
  @ValidateNestedObjects()
  @Type(() => FundsEntryDto)
  fundsInPlace?: FundsEntryDto[];

  @ApiPropertyOptional({ minimum: 0, maximum: LIMITS.plannedInvestmentWan, description: '万元' })
  @Present()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimalPlaces(2)
  @Min(0)
  @Max(LIMITS.plannedInvestmentWan)
  plannedInvestmentWan?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: LIMITS.landNeedMu, nullable: true, description: '亩' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimalPlaces(2)
  @Min(0)
  @Max(LIMITS.landNeedMu)
  landNeedMu?: number | null;

  @ApiPropertyOptional({ minimum: 0, maximum: LIMITS.expectedJobs, nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(LIMITS.expectedJobs)
  expectedJobs?: number | null;

  @ApiPropertyOptional({ enum: SHARINGS, default: 'private' })
  @Present()
  @IsIn(SHARINGS as string[])
  sharing?: LeadSharing;

  @ApiPropertyOptional({ default: false, description: 'partner sees codeName instead of the investor' })
  @Present()
  @IsBoolean()
  confidential?: boolean;

  @ApiPropertyOptional({
    maxLength: LIMITS.codeName,
    nullable: true,
    description: 'required while confidential is true',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.codeName)
  codeName?: string | null;

  @ApiPropertyOptional({ enum: LEAD_SOURCES, default: 'other' })
  @Present()
  @IsIn(LEAD_SOURCES as string[])
  source?: LeadSource;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    maxLength: 36,
    description: 'the promotion event the lead was raised at (DESIGN §16); needs source `event`',
  })
  @IsOptional()
  @IsUUID('all')
  eventId?: string | null;

  @ApiPropertyOptional({ format: 'date-time', nullable: true })
  @IsOptional()
  @IsISO8601({ strict: true })
  @IsSaneDate()
  nextActionAt?: string | null;

  @ApiPropertyOptional({ type: [ContactDto], maxItems: LIMITS.contacts })
  @Present()
  @IsArray()
  @ArrayMaxSize(LIMITS.contacts)
  @ValidateNestedObjects()
  @Type(() => ContactDto)
  contacts?: ContactDto[];

  @ApiPropertyOptional({ type: [ExternalRefDto], maxItems: LIMITS.externalRefs })
  @Present()
  @IsArray()
  @ArrayMaxSize(LIMITS.externalRefs)
  @ValidateNestedObjects()
  @Type(() => ExternalRefDto)
  externalRefs?: ExternalRefDto[];

  @ApiPropertyOptional({ format: 'uuid', description: 'defaults to the calling user; managers may assign' })
  @IsOptional()
  @IsUUID()
  ownerId?: string | null;

  @ApiPropertyOptional({ enum: JURISDICTIONS, description: 'always the caller’s; another one is refused' })
  @Present()
  @IsIn(JURISDICTIONS as unknown as string[])
  jurisdiction?: Jurisdiction;
}

export class CreateLeadDto extends LeadFieldsDto {
  @ApiProperty({ example: '动力电池二期项目', maxLength: LIMITS.title })
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.title)
  title: string;

  @ApiProperty({ type: InvestorDto })
  @IsObject()
  @ValidateNested()
  @Type(() => InvestorDto)
  investor: InvestorDto;

  @ApiProperty({ example: ['nev.battery-cell'], minItems: 1, maxItems: LIMITS.segments })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LIMITS.segments)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  segments: string[];

  @ApiPropertyOptional({ enum: INITIAL_STAGES, default: 'lead', description: 'a lead may start past `lead`' })
  @Present()
  @IsIn(INITIAL_STAGES as string[], { message: `stage must be one of ${INITIAL_STAGES.join(', ')}` })
  stage?: LeadStage;
}

/** PATCH /leads/:id: any subset; the stage moves only through POST /leads/:id/stage. */
export class UpdateLeadDto extends LeadFieldsDto {
  @ApiPropertyOptional({ maxLength: LIMITS.title })
  @Present()
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.title)
  title?: string;

  @ApiPropertyOptional({ type: UpdateInvestorDto })
  @Present()
  @IsObject()
  @ValidateNested()
  @Type(() => UpdateInvestorDto)
  investor?: UpdateInvestorDto;

  @ApiPropertyOptional({ minItems: 1, maxItems: LIMITS.segments })
  @Present()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LIMITS.segments)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  segments?: string[];
}

export class ChangeStageDto extends MilestoneFactsDto {
  @ApiProperty({
    enum: LEAD_STAGES,
    description:
      'a move into or past signed/registered/started/operating brings the facts of every milestone it ' +
      'passes (or finds them on the lead); otherwise 422 naming the missing fields',
  })
  @IsIn(LEAD_STAGES as unknown as string[])
  stage: LeadStage;

  @ApiPropertyOptional({ maxLength: LIMITS.note })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.note)
  note?: string;
}

export class LeadListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: JURISDICTIONS })
  @IsOptional()
  @IsIn(JURISDICTIONS as unknown as string[])
  jurisdiction?: Jurisdiction;

  @ApiPropertyOptional({ enum: LEAD_STAGES })
  @IsOptional()
  @IsIn(LEAD_STAGES as unknown as string[])
  stage?: LeadStage;

  @ApiPropertyOptional({ example: 'nev' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  industry?: string;

  @ApiPropertyOptional({ example: 'nev.battery-cell' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  segment?: string;

  @ApiPropertyOptional({ enum: SHARINGS })
  @IsOptional()
  @IsIn(SHARINGS as string[])
  sharing?: LeadSharing;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  ownerId?: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: '`true`: only leads without an owner (the 待分配 queue: leads pushed by partner systems)',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  unassigned?: 'true' | 'false';

  @ApiPropertyOptional({ description: 'fuzzy search over title and investor name', maxLength: LIMITS.q })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.q)
  q?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'only leads changed at or after this time; ordered by (updatedAt, id)',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @IsSaneDate()
  updatedSince?: string;
}

export class CreateActivityDto {
  @ApiProperty({ enum: ACTIVITY_TYPES })
  @IsIn(ACTIVITY_TYPES as unknown as string[])
  type: ActivityType;

  @ApiPropertyOptional({ format: 'date-time', description: 'defaults to now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @IsSaneDate()
  occurredAt?: string;

  @ApiProperty({ maxLength: LIMITS.activitySummary })
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.activitySummary)
  summary: string;
}

// ---- response shapes (OpenAPI) ----

export class InvestorViewDto {
  @ApiProperty({ description: 'the code name for a partner viewing a confidential lead' }) name: string;
  @ApiProperty({ nullable: true, type: String }) uscc: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) enterpriseId: string | null;
  @ApiProperty({ nullable: true, type: String }) country: string | null;
}

export class LeadViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: InvestorViewDto }) investor: InvestorViewDto;
  @ApiProperty() summary: string;
  @ApiProperty({ type: [String] }) segments: string[];
  @ApiProperty({ type: [String], description: 'derived from segments' }) industries: string[];
  @ApiProperty() plannedInvestmentWan: number;
  @ApiProperty({ nullable: true, type: Number }) landNeedMu: number | null;
  @ApiProperty({ nullable: true, type: Number }) expectedJobs: number | null;
  @ApiProperty({ enum: LEAD_STAGES }) stage: LeadStage;
  @ApiProperty({ enum: LEAD_STAGES, nullable: true, description: 'on_hold: the stage a resume returns to' })
  resumeStage: LeadStage | null;
  @ApiProperty({ enum: JURISDICTIONS }) jurisdiction: Jurisdiction;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) ownerId: string | null;
  @ApiProperty({ enum: SHARINGS }) sharing: LeadSharing;
  @ApiProperty() confidential: boolean;
  @ApiProperty({ nullable: true, type: String }) codeName: string | null;
  @ApiProperty({ enum: LEAD_SOURCES }) source: LeadSource;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) nextActionAt: string | null;
  @ApiProperty({ type: [ContactDto], description: 'empty outside the owning jurisdiction' })
  contacts: ContactDto[];
  @ApiProperty({ type: [ExternalRefDto] }) externalRefs: ExternalRefDto[];
  @ApiProperty({ type: [String] }) linkedLeadIds: string[];
  @ApiProperty({ nullable: true, type: String, description: 'written by the owner for the partner city' })
  partnerSummary: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) signedAt: string | null;
  @ApiProperty({ nullable: true, type: Number, description: '签约额, 万元' }) contractAmountWan:
    number | null;
  @ApiProperty({ nullable: true, type: String, description: 'null for the partner of a confidential lead' })
  projectUscc: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) startedAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) operatingAt: string | null;
  @ApiProperty({
    type: [FundsEntryDto],
    description: '到位资金 entries (no notes for the partner of a confidential lead)',
  })
  fundsInPlace: FundsEntryDto[];
  @ApiProperty({ description: 'the sum of fundsInPlace, 万元' }) fundsInPlaceWan: number;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'the promotion event it was raised at',
  })
  eventId: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'set when a manager archived the lead: only its own city reads it (by id)',
  })
  archivedAt: string | null;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class LeadCollisionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: JURISDICTIONS }) otherJurisdiction: Jurisdiction;
  @ApiProperty({ enum: ['uscc', 'name'] }) basis: 'uscc' | 'name';
  @ApiProperty() similarity: number;
  @ApiProperty({ enum: JURISDICTIONS }) firstReportedBy: Jurisdiction;
}

export class CreatedLeadDto extends LeadViewDto {
  @ApiProperty({ type: [LeadCollisionDto], description: 'collisions this create opened (撞单)' })
  collisions: LeadCollisionDto[];
}

export class ActivityViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) leadId: string;
  @ApiProperty({ enum: [...ACTIVITY_TYPES, 'stage_change'] }) type: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ description: 'empty when `redacted`' }) summary: string;
  @ApiProperty({
    description:
      'the text and author are withheld: an activity of the owner city on a confidential lead, read by the partner (DESIGN §5)',
  })
  redacted: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) authorId: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'when an API key wrote it' })
  authorKeyId: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    maxLength: 200,
    description: 'the author’s display name (user) or key name (API key); null when `redacted`',
  })
  authorName: string | null;
  @ApiProperty({ enum: JURISDICTIONS, description: 'the author’s jurisdiction' }) jurisdiction: Jurisdiction;
  @ApiProperty({ nullable: true, enum: LEAD_STAGES }) fromStage: LeadStage | null;
  @ApiProperty({ nullable: true, enum: LEAD_STAGES }) toStage: LeadStage | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class AssigneeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ maxLength: 100 }) username: string;
  @ApiProperty({ maxLength: 200 }) displayName: string;
  @ApiProperty({ enum: ['officer', 'manager', 'admin'] }) role: string;
}

export class AssigneeListDto {
  @ApiProperty({ type: [AssigneeDto] }) items: AssigneeDto[];
}

export class AssignLeadDto {
  @ApiProperty({ format: 'uuid', description: 'an active user of the lead’s jurisdiction' })
  @IsUUID('all', { message: 'ownerId must be a UUID' })
  ownerId: string;
}

export class ArchiveLeadDto {
  @ApiPropertyOptional({ maxLength: LIMITS.note, description: 'why (kept in the audit entry)' })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.note)
  note?: string;
}
