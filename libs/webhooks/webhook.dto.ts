import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, MaxLength } from 'class-validator';
import { DOMAIN_EVENT_TYPES } from '../events/events.service';

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://partner.example.gov.cn/hooks/liancheng',
    maxLength: 2000,
    description: 'http(s) URL resolving to public addresses (or a host on WEBHOOK_ALLOWED_HOSTS)',
  })
  @IsString()
  @MaxLength(2000)
  url: string;

  @ApiProperty({ enum: DOMAIN_EVENT_TYPES, isArray: true, minItems: 1, maxItems: DOMAIN_EVENT_TYPES.length })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(DOMAIN_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(DOMAIN_EVENT_TYPES, { each: true })
  events: string[];
}

export class WebhookViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ maxLength: 2000 }) url: string;
  @ApiProperty({ enum: DOMAIN_EVENT_TYPES, isArray: true }) events: string[];
  @ApiProperty({ enum: ['active', 'disabled'] }) status: string;
  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Set when failing for 24 h straight',
  })
  disabledAt: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) disabledReason: string | null;
  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'First failure since the last success',
  })
  failingSince: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) lastSuccessAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class CreatedWebhookDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() url: string;
  @ApiProperty({ enum: DOMAIN_EVENT_TYPES, isArray: true }) events: string[];
  @ApiProperty({ description: 'HMAC-SHA256 signing secret, shown this once', example: 'whsec_…' })
  secret: string;
}

export class WebhookAttemptDto {
  @ApiProperty() id: string;
  @ApiProperty({ format: 'uuid' }) deliveryId: string;
  @ApiProperty() eventId: string;
  @ApiProperty({ enum: DOMAIN_EVENT_TYPES }) eventType: string;
  @ApiProperty({ description: '1 for the first try' }) attempt: number;
  @ApiProperty({ enum: ['delivered', 'failed', 'refused'] }) status: string;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'HTTP status the receiver answered' })
  responseCode: number | null;
  @ApiProperty() durationMs: number;
  @ApiPropertyOptional({ type: String, nullable: true }) error: string | null;
  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the next try is due',
  })
  nextRetryAt: string | null;
  @ApiProperty({ format: 'date-time' }) at: string;
}
