import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsEmail,
  IsIn,
  IsObject,
  IsOptional,
  IsUUID,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '../common/pagination';
import { NOTIFICATION_MODES, NOTIFICATION_TYPES } from './notification-types';
import type { NotificationMode, NotificationType } from './notification-types';

export class NotificationListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: '`true`: only unread ones' })
  @IsOptional()
  @IsIn(['true', 'false'])
  unread?: 'true' | 'false';
}

export class NotificationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'Position in the reader’s own sequence; the stream’s event id', example: 42 })
  seq: number;
  @ApiProperty({ enum: NOTIFICATION_TYPES }) type: NotificationType;
  @ApiProperty({ description: 'In the reader’s language (Accept-Language)', example: '撞单提醒' })
  title: string;
  @ApiProperty({ example: '本地线索《锐能电池项目》与绵阳市的线索为同一投资方。' }) body: string;
  @ApiProperty({ description: 'Path in the web UI', example: '/leads/6f1c…' }) link: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) readAt: string | null;
}

export class MarkReadDto {
  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    minItems: 1,
    maxItems: 200,
    description: 'these ones',
  })
  @ValidateIf((o: MarkReadDto) => o.ids !== undefined || o.all === undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  ids?: string[];

  @ApiPropertyOptional({ enum: [true], description: '`true`: every notification of the caller' })
  @ValidateIf((o: MarkReadDto) => o.all !== undefined || o.ids === undefined)
  @Equals(true)
  all?: true;
}

export class MarkReadResultDto {
  @ApiProperty({ description: 'how many turned read now' }) marked: number;
  @ApiProperty({ description: 'unread left' }) unread: number;
}

export class UnreadCountDto {
  @ApiProperty({ example: 3 }) unread: number;
}

export class StreamTicketDto {
  @ApiProperty({
    description:
      'Opens `GET /notifications/stream?ticket=…` (EventSource cannot send an Authorization header). Valid 60 s for opening a stream; not a credential for anything else.',
  })
  ticket: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
}

/** One mode per type. */
export class NotificationModesDto {
  @ApiProperty({ enum: NOTIFICATION_MODES }) collision: NotificationMode;
  @ApiProperty({ enum: NOTIFICATION_MODES }) matches_ready: NotificationMode;
  @ApiProperty({ enum: NOTIFICATION_MODES }) match_decided: NotificationMode;
  @ApiProperty({ enum: NOTIFICATION_MODES }) partner_follow_up: NotificationMode;
  @ApiProperty({ enum: NOTIFICATION_MODES }) lead_assigned: NotificationMode;
  @ApiProperty({ enum: NOTIFICATION_MODES }) next_action_due: NotificationMode;
  @ApiProperty({ enum: NOTIFICATION_MODES }) action_item_due: NotificationMode;
  @ApiProperty({ enum: NOTIFICATION_MODES }) agreement_waiting: NotificationMode;
}

export class NotificationPreferencesDto {
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    format: 'email',
    description: 'address of the daily digest',
  })
  email: string | null;
  @ApiProperty({
    type: NotificationModesDto,
    description: '`in_app`: bell and list; `digest`: also in the daily e-mail digest; `off`: not at all',
  })
  modes: NotificationModesDto;
}

/** A change to some modes (the others stay). */
export class UpdateModesDto implements Partial<Record<NotificationType, NotificationMode>> {
  @ApiPropertyOptional({ enum: NOTIFICATION_MODES })
  @IsOptional()
  @IsIn(NOTIFICATION_MODES)
  collision?: NotificationMode;
  @ApiPropertyOptional({ enum: NOTIFICATION_MODES })
  @IsOptional()
  @IsIn(NOTIFICATION_MODES)
  matches_ready?: NotificationMode;
  @ApiPropertyOptional({ enum: NOTIFICATION_MODES })
  @IsOptional()
  @IsIn(NOTIFICATION_MODES)
  match_decided?: NotificationMode;
  @ApiPropertyOptional({ enum: NOTIFICATION_MODES })
  @IsOptional()
  @IsIn(NOTIFICATION_MODES)
  partner_follow_up?: NotificationMode;
  @ApiPropertyOptional({ enum: NOTIFICATION_MODES })
  @IsOptional()
  @IsIn(NOTIFICATION_MODES)
  lead_assigned?: NotificationMode;
  @ApiPropertyOptional({ enum: NOTIFICATION_MODES })
  @IsOptional()
  @IsIn(NOTIFICATION_MODES)
  next_action_due?: NotificationMode;
  @ApiPropertyOptional({ enum: NOTIFICATION_MODES })
  @IsOptional()
  @IsIn(NOTIFICATION_MODES)
  action_item_due?: NotificationMode;
  @ApiPropertyOptional({ enum: NOTIFICATION_MODES })
  @IsOptional()
  @IsIn(NOTIFICATION_MODES)
  agreement_waiting?: NotificationMode;
}

export class UpdatePreferencesDto {
  @ApiPropertyOptional({ nullable: true, type: String, format: 'email', maxLength: 254 })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ type: UpdateModesDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => UpdateModesDto)
  modes?: UpdateModesDto;
}
