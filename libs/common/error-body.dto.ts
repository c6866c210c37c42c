import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'investor.uscc' }) field: string;
  @ApiProperty({ example: 'must be a valid USCC' }) message: string;
}

/** The uniform error body of DESIGN §11. */
export class ErrorBodyDto {
  @ApiProperty({ example: 400 }) statusCode: number;
  @ApiProperty({ example: 'Bad Request' }) error: string;
  @ApiProperty({ example: 'Invalid fields: title' }) message: string;
  @ApiPropertyOptional({ example: 'VALIDATION_FAILED' }) code?: string;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) details?: FieldErrorDto[];
  @ApiProperty({ example: 'req-1' }) requestId: string;
}
