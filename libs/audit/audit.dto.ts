import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { PageQuery } from '../common/pagination';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({
    example: 'enterprise',
    description: 'lead, enterprise, park, collision, match, user, …',
    maxLength: 40,
    pattern: '^[a-z_]+$',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_]{1,40}$/, { message: 'entity must be an entity name like enterprise' })
  entity?: string;

  @ApiPropertyOptional({ format: 'uuid', maxLength: 36 })
  @IsOptional()
  @IsUUID('all', { message: 'entityId must be a UUID' })
  entityId?: string;

  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, description: 'who: the user or API key that acted' })
  @IsOptional()
  @IsUUID('all', { message: 'actorId must be a UUID' })
  actorId?: string;

  @ApiPropertyOptional({
    example: 'update',
    description: 'what: create, update, stage_change, assign, archive, …',
    maxLength: 40,
    pattern: '^[a-z_]+$',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_]{1,40}$/, { message: 'action must be an action name like update' })
  action?: string;

  @ApiPropertyOptional({ format: 'date-time', maxLength: 30, description: 'when: entries at or after' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 date or date-time' })
  since?: string;

  @ApiPropertyOptional({ format: 'date-time', maxLength: 30, description: 'when: entries before' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'until must be an ISO 8601 date or date-time' })
  until?: string;
}

export class AuditActorDto {
  @ApiProperty({ enum: ['user', 'api_key', 'system'] }) type: 'user' | 'api_key' | 'system';
  @ApiProperty({ nullable: true, type: String, format: 'uuid', maxLength: 36 }) id: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'username or key name', maxLength: 200 })
  name: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'a user’s display name', maxLength: 200 })
  displayName: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'a user’s or key’s jurisdiction', maxLength: 20 })
  jurisdiction: string | null;
}

/** Any JSON value a field held (strings are bounded by the fields they come from). */
const JSON_VALUE = {
  anyOf: [
    { type: 'string', maxLength: 10_000, nullable: true },
    { type: 'number', nullable: true },
    { type: 'boolean', nullable: true },
    { type: 'array', maxItems: 1000, items: {}, nullable: true },
    { type: 'object', nullable: true },
  ],
};

export class AuditChangeDto {
  @ApiProperty({ ...JSON_VALUE, description: 'value before the change (null when created)' })
  before: unknown;
  @ApiProperty({ ...JSON_VALUE, description: 'value after the change' }) after: unknown;
}

export class AuditEntryDto {
  @ApiProperty({
    example: '1042',
    description: 'increasing; newest first in lists',
    pattern: '^[0-9]+$',
    maxLength: 19,
  })
  id: string;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) at: string;
  @ApiProperty({ type: AuditActorDto }) actor: AuditActorDto;
  @ApiProperty({ example: 'update', maxLength: 40 }) action: string;
  @ApiProperty({ example: 'enterprise', maxLength: 40 }) entity: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) entityId: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/AuditChangeDto' },
    example: { name: { before: '旧名', after: '新名' } },
    description: 'changed fields, each with before and after',
  })
  changes: Record<string, AuditChangeDto>;
  @ApiProperty({ nullable: true, type: String, maxLength: 100 }) requestId: string | null;
}
