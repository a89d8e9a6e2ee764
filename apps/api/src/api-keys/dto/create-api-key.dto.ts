import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import type { Role } from '@synq/common';

export class CreateApiKeyDto {
  @ApiProperty({ maxLength: 100, example: 'ERP integration' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name: string;

  @ApiPropertyOptional({ enum: ['live', 'test'], default: 'live' })
  @IsOptional()
  @IsIn(['live', 'test'])
  environment?: 'live' | 'test';

  @ApiPropertyOptional({ enum: ['admin', 'editor', 'viewer'], default: 'admin' })
  @IsOptional()
  @IsIn(['admin', 'editor', 'viewer'])
  role?: Exclude<Role, 'owner'>;
}
