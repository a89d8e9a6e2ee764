import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsUUID } from 'class-validator';
import type { SyncAction, SyncRunStatus } from '@synq/database';
import { PageQueryDto } from '../../common/page-query.dto';

export const SYNC_ACTIONS: SyncAction[] = ['UPSERT', 'DELETE'];
export const RUN_STATUSES: SyncRunStatus[] = ['SUCCEEDED', 'FAILED', 'SKIPPED', 'RETRYING'];

export class PushProductDto {
  @ApiProperty({ example: 'f47ac10b-58cc-4372-a567-0e02b2c3d479', description: 'UUID of the product in Synq’s catalog' })
  @IsUUID('all')
  productId: string;

  @ApiProperty({ enum: SYNC_ACTIONS, description: 'UPSERT creates or updates the product on every connected storefront; DELETE removes it' })
  @IsIn(SYNC_ACTIONS)
  action: SyncAction;

  @ApiPropertyOptional({ default: false, description: 'Push even when nothing changed since the last successful push' })
  @IsOptional()
  @IsBoolean()
  force?: boolean;
}

export class SyncRunsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: RUN_STATUSES })
  @IsOptional()
  @IsIn(RUN_STATUSES)
  status?: SyncRunStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID('all')
  connection_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID('all')
  product_id?: string;
}
