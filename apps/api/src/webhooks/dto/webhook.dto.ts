import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { EVENT_TYPE_NAMES } from '@synq/events';
import type { WebhookDeliveryStatus } from '@synq/database';
import { PageQueryDto } from '../../common/page-query.dto';

const UNKNOWN_EVENT = 'events must contain only event types of the catalogue (GET /api/v1/webhooks/event-types)';

export class CreateWebhookDto {
  @ApiProperty({ maxLength: 2048, example: 'https://example.com/webhooks/synq', description: 'https; no credentials; a public address' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  url: string;

  @ApiProperty({ type: [String], maxItems: 50, example: ['order.created', 'stock.low'], enum: EVENT_TYPE_NAMES })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(80, { each: true })
  @IsIn(EVENT_TYPE_NAMES, { each: true, message: UNKNOWN_EVENT })
  events: string[];

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional({ maxLength: 2048 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ type: [String], maxItems: 50, enum: EVENT_TYPE_NAMES })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(80, { each: true })
  @IsIn(EVENT_TYPE_NAMES, { each: true, message: UNKNOWN_EVENT })
  events?: string[];

  @ApiPropertyOptional({ description: 'false pauses deliveries; true re-enables a disabled endpoint' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ maxLength: 500, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;
}

export const DELIVERY_STATUSES: WebhookDeliveryStatus[] = ['pending', 'retrying', 'succeeded', 'failed'];

export class DeliveryQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: WebhookDeliveryStatus;
}

export class ReplaySinceDto {
  @ApiProperty({ description: 'ISO 8601: re-send every failed delivery created at or after this time', example: '2026-11-01T00:00:00Z' })
  @IsISO8601({ strict: true })
  since: string;
}
