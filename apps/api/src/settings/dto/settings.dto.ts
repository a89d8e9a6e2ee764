import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsCurrencyCode, IsTimeZone } from '../../common/validators';

export class UpdateSettingsDto {
  @ApiPropertyOptional({ example: 'EUR', description: 'ISO 4217 code' })
  @IsOptional()
  @IsCurrencyCode()
  default_currency?: string;

  @ApiPropertyOptional({ description: 'Push product changes to every connection automatically' })
  @IsOptional()
  @IsBoolean()
  auto_sync?: boolean;

  @ApiPropertyOptional({ minimum: 0, maximum: 1000000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  low_stock_threshold?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  allow_backorders?: boolean;

  @ApiPropertyOptional({ example: 'Europe/Oslo' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @IsTimeZone()
  timezone?: string;

  @ApiPropertyOptional({ enum: ['kg', 'g', 'lb', 'oz'] })
  @IsOptional()
  @IsIn(['kg', 'g', 'lb', 'oz'])
  weight_unit?: string;
}
