import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { JURISDICTIONS, ROLES } from '../common/request-context';
import type { Jurisdiction, Role } from '../common/request-context';

export class UserViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() username: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: JURISDICTIONS }) jurisdiction: Jurisdiction;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty() active: boolean;
}

export class CreateUserDto {
  @ApiProperty({ example: 'beibei.officer2', description: 'letters, digits, . _ -', minLength: 3, maxLength: 64 })
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{3,64}$/, {
    message: 'username must be 3–64 letters, digits, dots, underscores or hyphens',
  })
  username: string;

  @ApiProperty({ example: '张三' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES as unknown as string[])
  role: Role;

  @ApiProperty({ minLength: 10, maxLength: 200 })
  @IsString()
  @MinLength(10)
  @MaxLength(200)
  password: string;

  @ApiPropertyOptional({
    enum: JURISDICTIONS,
    description: 'must be the admin’s own jurisdiction when given',
  })
  @IsOptional()
  @IsIn(JURISDICTIONS as unknown as string[])
  jurisdiction?: Jurisdiction;
}

export class UpdateUserDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(100) displayName?: string;
  @ApiPropertyOptional({ enum: ROLES }) @IsOptional() @IsIn(ROLES as unknown as string[]) role?: Role;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;
  @ApiPropertyOptional({ minLength: 10 })
  @IsOptional()
  @IsString()
  @MinLength(10)
  @MaxLength(200)
  password?: string;
}
