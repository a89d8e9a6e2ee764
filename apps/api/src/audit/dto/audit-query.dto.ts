import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto';

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'product' })
  @IsOptional()
  @Matches(/^[a-z_]{1,60}$/, { message: 'resource_type must be lower-case letters and _' })
  resource_type?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  resource_id?: string;

  @ApiPropertyOptional({ description: 'user id or API key id' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  actor_id?: string;

  @ApiPropertyOptional({ example: 'product.updated' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  action?: string;

  @ApiPropertyOptional({ description: 'ISO 8601, inclusive' })
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ description: 'ISO 8601, exclusive' })
  @IsOptional()
  @IsISO8601()
  to?: string;
}
