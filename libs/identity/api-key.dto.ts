import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { JURISDICTIONS, SCOPES } from '../common/request-context';
import type { Jurisdiction, Scope } from '../common/request-context';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'Mianyang investment platform' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ApiProperty({ enum: SCOPES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SCOPES.length)
  @ArrayUnique()
  @IsIn(SCOPES as unknown as string[], { each: true })
  scopes: Scope[];
}

export class ApiKeyViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: SCOPES, isArray: true }) scopes: Scope[];
  @ApiProperty({ enum: JURISDICTIONS }) jurisdiction: Jurisdiction;
  @ApiProperty({ description: 'first characters of the key, to recognise it' }) keyPrefix: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) revokedAt: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) lastUsedAt: string | null;
}

export class CreatedApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: SCOPES, isArray: true }) scopes: Scope[];
  @ApiProperty({ enum: JURISDICTIONS }) jurisdiction: Jurisdiction;
  @ApiProperty({ description: 'the lck_… secret, returned this once' }) key: string;
}
