import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, MaxLength } from 'class-validator';
import type { ConnectionCategory, ConnectionStatus } from '@synq/database';

export const CATEGORIES: ConnectionCategory[] = ['commerce', 'accounting'];

export class AuthUrlDto {
  @ApiPropertyOptional({ enum: CATEGORIES, default: 'commerce' })
  @IsOptional()
  @IsIn(CATEGORIES)
  category?: ConnectionCategory;

  @ApiPropertyOptional({ description: 'Where the provider sends the user after authorizing (default: UNIFIED_SUCCESS_REDIRECT_URL)' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2048)
  success_redirect?: string;

  @ApiPropertyOptional({ description: 'Where the provider sends the user when authorization fails (default: UNIFIED_FAILURE_REDIRECT_URL)' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2048)
  failure_redirect?: string;
}

export class CallbackDto {
  @ApiProperty({ example: 'conn_shopify_8f3a2b', description: 'The connection ID returned after the user completes authorization' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(/^[A-Za-z0-9._:-]+$/, { message: 'connection_id must be a connection id (letters, digits, . _ : -)' })
  connection_id: string;

  @ApiPropertyOptional({ enum: CATEGORIES, default: 'commerce' })
  @IsOptional()
  @IsIn(CATEGORIES)
  category?: ConnectionCategory;

  @ApiPropertyOptional({ example: 'shopify', description: 'Lowercase platform name; the fallback identifier in non-production environments' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @Matches(/^[a-z0-9][a-z0-9_.-]*$/, { message: 'provider must be a lowercase platform name such as shopify' })
  provider?: string;

  @ApiPropertyOptional({ description: 'The state from the authorization redirect (checked when given)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  state?: string;
}

export const CONNECTION_STATUSES: ConnectionStatus[] = ['ACTIVE', 'PAUSED', 'ERROR', 'REVOKED'];

export class ListConnectionsQueryDto {
  @ApiPropertyOptional({ enum: [...CONNECTION_STATUSES, 'ALL'], default: 'ACTIVE' })
  @IsOptional()
  @IsIn([...CONNECTION_STATUSES, 'ALL'])
  status?: ConnectionStatus | 'ALL';
}

export class UpdateConnectionDto {
  @ApiProperty({ enum: ['ACTIVE', 'PAUSED'], description: 'Pause or resume syncing to this connection' })
  @IsIn(['ACTIVE', 'PAUSED'])
  status: 'ACTIVE' | 'PAUSED';
}
