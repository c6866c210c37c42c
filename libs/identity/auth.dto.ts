import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { UserViewDto } from './user.dto';

export class LoginDto {
  @ApiProperty({ example: 'beibei.officer' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  username: string;

  @ApiProperty({ example: 'liancheng-demo' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password: string;
}

export class LoginResponseDto {
  @ApiProperty({ description: 'JWT access token, valid 15 minutes' }) accessToken: string;
  @ApiProperty() expiresIn: number;
  @ApiProperty({ type: UserViewDto }) user: UserViewDto;
}
