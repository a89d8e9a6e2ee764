import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto';

export const LISTING_STATUSES = ['active', 'inactive', 'error'] as const;
export const CONDITIONS = ['new', 'used', 'refurbished', 'collectible'] as const;
const MONEY = { allowNaN: false, allowInfinity: false, maxDecimalPlaces: 4 };
const MAX_MONEY = 999_999_999_999;

export class CreateListingDto {
  @ApiPropertyOptional({ description: 'the variant offered (or give its sku)' })
  @IsOptional()
  @IsUUID('all')
  variant_id?: string;

  @ApiPropertyOptional({ description: 'the variant offered, by SKU (or give variant_id)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  sku?: string;

  @ApiProperty({ description: 'the marketplace/storefront connection it is offered on' })
  @IsUUID('all')
  connection_id: string;

  @ApiPropertyOptional({ description: 'major units; the variant’s PIM price when absent' })
  @IsOptional()
  @IsNumber(MONEY)
  @Min(0.01)
  @Max(MAX_MONEY)
  price?: number;

  @ApiPropertyOptional({ description: 'most units offered on this marketplace', nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  quantity_cap?: number | null;

  @ApiPropertyOptional({ enum: LISTING_STATUSES, default: 'active' })
  @IsOptional()
  @IsIn(LISTING_STATUSES)
  status?: (typeof LISTING_STATUSES)[number];

  @ApiPropertyOptional({ description: 'the marketplace’s listing id, when known' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  remote_id?: string | null;
}

export class UpdateListingDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber(MONEY)
  @Min(0.01)
  @Max(MAX_MONEY)
  price?: number;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  quantity_cap?: number | null;

  @ApiPropertyOptional({ enum: LISTING_STATUSES })
  @IsOptional()
  @IsIn(LISTING_STATUSES)
  status?: (typeof LISTING_STATUSES)[number];

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  remote_id?: string | null;
}

export class ListingQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'amazon' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  marketplace?: string;

  @ApiPropertyOptional({ enum: LISTING_STATUSES })
  @IsOptional()
  @IsIn(LISTING_STATUSES)
  status?: (typeof LISTING_STATUSES)[number];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  sku?: string;

  @ApiPropertyOptional({ description: 'connection id' })
  @IsOptional()
  @IsUUID('all')
  connection_id?: string;

  @ApiPropertyOptional({ description: 'connection id (alias of connection_id)' })
  @IsOptional()
  @IsUUID('all')
  connection?: string;
}

export class CompetitorPriceDto {
  @ApiProperty({ example: 'BargainBooks' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  seller: string;

  @ApiProperty({ description: 'major units' })
  @IsNumber(MONEY)
  @Min(0)
  @Max(MAX_MONEY)
  price: number;

  @ApiPropertyOptional({ description: 'major units; 0 when absent' })
  @IsOptional()
  @IsNumber(MONEY)
  @Min(0)
  @Max(MAX_MONEY)
  shipping?: number;

  @ApiPropertyOptional({ enum: CONDITIONS })
  @IsOptional()
  @IsIn(CONDITIONS)
  condition?: (typeof CONDITIONS)[number];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  is_featured_offer?: boolean;

  @ApiProperty({ example: '2026-11-30T12:00:00Z' })
  @IsISO8601({ strict: true })
  observed_at: string;
}

export class RecordCompetitorPricesDto {
  @ApiProperty({ type: [CompetitorPriceDto], maxItems: 100 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CompetitorPriceDto)
  prices: CompetitorPriceDto[];
}
