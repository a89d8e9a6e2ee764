import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsCurrencyCode } from '../../common/validators';

export const FEED_FORMATS = ['xml', 'csv', 'tsv', 'json'] as const;
export const FEED_TEMPLATES = ['google_shopping', 'facebook', 'custom'] as const;

export class FeedFiltersDto {
  @ApiPropertyOptional({ enum: ['ACTIVE', 'DRAFT', 'ARCHIVED'], default: 'ACTIVE' })
  @IsOptional()
  @IsIn(['ACTIVE', 'DRAFT', 'ARCHIVED'])
  status?: 'ACTIVE' | 'DRAFT' | 'ARCHIVED';

  @ApiPropertyOptional({ type: [String], description: 'category slugs (each with its subcategories)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(255, { each: true })
  categories?: string[];

  @ApiPropertyOptional({ type: [String], description: 'brand ids' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  brands?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 4 })
  @Min(0)
  price_min?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 4 })
  @Min(0)
  price_max?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  in_stock_only?: boolean;
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export class UpdateFeedDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: 'google-shopping-feed', description: 'URL-safe, unique across all accounts' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(SLUG, { message: 'slug must be lowercase letters, digits and single hyphens (e.g. google-shopping-feed)' })
  slug?: string;

  @ApiPropertyOptional({ enum: FEED_FORMATS })
  @IsOptional()
  @IsIn(FEED_FORMATS)
  format?: (typeof FEED_FORMATS)[number];

  @ApiPropertyOptional({ enum: FEED_TEMPLATES })
  @IsOptional()
  @IsIn(FEED_TEMPLATES)
  template?: (typeof FEED_TEMPLATES)[number];

  @ApiPropertyOptional({ type: FeedFiltersDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => FeedFiltersDto)
  filters?: FeedFiltersDto;

  @ApiPropertyOptional({ example: 'USD', description: 'items in another currency are left out (no conversion)', nullable: true })
  @IsOptional()
  @IsCurrencyCode()
  currency?: string | null;

  @ApiPropertyOptional({ example: 'https://shop.example/products/{handle}?variant={sku}', description: 'placeholders {handle} {sku} {id} {variant_id}' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  @Matches(/^https?:\/\/[^\s]+$/i, { message: 'link_template must be an http(s) URL' })
  link_template?: string;

  @ApiPropertyOptional({ description: 'image_link for variants without media', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'], require_tld: false }, { message: 'image_fallback must be an http(s) URL' })
  image_fallback?: string | null;

  @ApiPropertyOptional({ type: 'array', items: { type: 'object' }, description: 'ordered rules: set, prefix, suffix, replace, map_category, exclude, if' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsObject({ each: true })
  rules?: Record<string, unknown>[];

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  published?: boolean;
}

export class CreateFeedDto extends UpdateFeedDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  declare name: string;

  @ApiProperty({ example: 'google-shopping-feed' })
  @IsString()
  @MaxLength(100)
  @Matches(SLUG, { message: 'slug must be lowercase letters, digits and single hyphens (e.g. google-shopping-feed)' })
  declare slug: string;

  @ApiProperty({ example: 'https://shop.example/products/{handle}?variant={sku}' })
  @IsString()
  @MaxLength(2048)
  @Matches(/^https?:\/\/[^\s]+$/i, { message: 'link_template must be an http(s) URL' })
  declare link_template: string;
}

export class PreviewQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}
