import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { ProductStatus } from '@synq/database';
import { PageQueryDto } from '../../common/page-query.dto';
import { IsCurrencyCode } from '../../common/validators';
import { IsAttributeMap, IsGtin, IsMoney, IsOptionMap, IsSlug } from './common';

export const PRODUCT_STATUSES: ProductStatus[] = ['ACTIVE', 'DRAFT', 'ARCHIVED'];

export class CreateVariantDto {
  @ApiPropertyOptional({ example: 'WOOL-SWTR-M-BLU', maxLength: 100 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  sku?: string;

  @ApiPropertyOptional({ example: '4006381333931', description: 'GTIN-8/12/13/14' })
  @IsOptional()
  @IsGtin()
  barcode?: string;

  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  title?: string;

  @ApiPropertyOptional({ example: 89.99 })
  @IsOptional()
  @IsMoney()
  price?: number;

  @ApiPropertyOptional({ example: 'USD' })
  @IsOptional()
  @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsMoney()
  compare_at_price?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsMoney()
  cost_price?: number;

  @ApiPropertyOptional({ example: { Size: 'M', Color: 'Blue' } })
  @IsOptional()
  @IsOptionMap()
  options?: Record<string, string>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsAttributeMap()
  attributes?: Record<string, string | number | boolean | null>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  weight_grams?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000)
  position?: number;
}

/** PUT semantics are partial: absent fields stay as they are; null clears a nullable field. */
export class UpdateVariantDto {
  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  sku?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsGtin()
  barcode?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsString()
  @MaxLength(255)
  title?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsMoney()
  price?: number | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsMoney()
  compare_at_price?: number | null;

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsMoney()
  cost_price?: number | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsOptionMap()
  options?: Record<string, string>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsAttributeMap()
  attributes?: Record<string, string | number | boolean | null>;

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  weight_grams?: number | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000)
  position?: number;
}

export class CreateProductDto {
  @ApiProperty({ example: 'Classic Wool Sweater', maxLength: 500 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  title: string;

  @ApiPropertyOptional({ maxLength: 100000 })
  @IsOptional()
  @IsString()
  @MaxLength(100_000)
  description?: string;

  @ApiPropertyOptional({ example: 'apparel', description: 'Category slug (created as a root category when it does not exist yet)' })
  @IsOptional()
  @IsSlug()
  @MaxLength(200)
  category?: string;

  @ApiPropertyOptional({ enum: PRODUCT_STATUSES, default: 'ACTIVE' })
  @IsOptional()
  @IsIn(PRODUCT_STATUSES)
  status?: ProductStatus;

  @ApiPropertyOptional({ description: 'URL handle; derived from the title when absent' })
  @IsOptional()
  @IsSlug()
  @MaxLength(255)
  handle?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  brand_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  template_id?: string;

  @ApiPropertyOptional({ example: { material: 'merino', weight: 0.4 } })
  @IsOptional()
  @IsAttributeMap()
  attributes?: Record<string, string | number | boolean | null>;

  @ApiPropertyOptional({ type: [CreateVariantDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CreateVariantDto)
  variants?: CreateVariantDto[];
}

export class UpdateProductDto {
  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  title?: string;

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsString()
  @MaxLength(100_000)
  description?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'Category slug; null removes the category' })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsSlug()
  @MaxLength(200)
  category?: string | null;

  @ApiPropertyOptional({ enum: PRODUCT_STATUSES })
  @IsOptional()
  @IsIn(PRODUCT_STATUSES)
  status?: ProductStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsSlug()
  @MaxLength(255)
  handle?: string;

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsUUID()
  brand_id?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsUUID()
  template_id?: string | null;

  @ApiPropertyOptional({ description: 'Merged into the current values; null removes a value' })
  @IsOptional()
  @IsAttributeMap()
  attributes?: Record<string, string | number | boolean | null>;
}

export class ProductFilterDto {
  @ApiPropertyOptional({ enum: PRODUCT_STATUSES })
  @IsOptional()
  @IsIn(PRODUCT_STATUSES)
  status?: ProductStatus;

  @ApiPropertyOptional({ description: 'Category slug (includes its subcategories)' })
  @IsOptional()
  @IsSlug()
  @MaxLength(200)
  category?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  brand_id?: string;

  @ApiPropertyOptional({ description: 'Searches title and variant SKU' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ description: 'ISO 8601' })
  @IsOptional()
  @IsISO8601()
  updated_since?: string;
}

export class ListProductsQueryDto extends IntersectionType(PageQueryDto, ProductFilterDto) {}

export class BatchProductsDto {
  @ApiProperty({ description: 'Up to 1,000 products, each matched by id or by a variant SKU, else created', type: [Object] })
  @IsArray()
  @ArrayMaxSize(1000)
  products: Record<string, unknown>[];
}
