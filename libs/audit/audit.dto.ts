import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { PageQuery } from '../common/pagination';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({
    example: 'enterprise',
    description: 'lead, enterprise, park, collision, match, user, …',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_]{1,40}$/, { message: 'entity must be an entity name like enterprise' })
  entity?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'entityId must be a UUID' })
  entityId?: string;
}

export class AuditActorDto {
  @ApiProperty({ enum: ['user', 'api_key', 'system'] }) type: 'user' | 'api_key' | 'system';
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) id: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'username or key name' }) name: string | null;
}

export class AuditChangeDto {
  @ApiProperty({ nullable: true, description: 'value before the change (null when created)' })
  before: unknown;
  @ApiProperty({ nullable: true, description: 'value after the change' }) after: unknown;
}

export class AuditEntryDto {
  @ApiProperty({ example: '1042', description: 'increasing; newest first in lists' }) id: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: AuditActorDto }) actor: AuditActorDto;
  @ApiProperty({ example: 'update' }) action: string;
  @ApiProperty({ example: 'enterprise' }) entity: string;
  @ApiProperty({ format: 'uuid' }) entityId: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/AuditChangeDto' },
    example: { name: { before: '旧名', after: '新名' } },
    description: 'changed fields, each with before and after',
  })
  changes: Record<string, AuditChangeDto>;
  @ApiProperty({ nullable: true, type: String }) requestId: string | null;
}
