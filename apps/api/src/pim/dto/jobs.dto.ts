import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsNumber, IsOptional, IsUUID, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import type { ProductStatus } from '@synq/database';
import { PageQueryDto } from '../../common/page-query.dto';
import { IsAttributeMap, IsSlug } from './common';
import { PRODUCT_STATUSES, ProductFilterDto } from './product.dto';

export class CreateExportDto {
  @ApiPropertyOptional({ enum: ['csv', 'jsonl'], default: 'csv' })
  @IsOptional()
  @IsIn(['csv', 'jsonl'])
  format?: 'csv' | 'jsonl';

  @ApiPropertyOptional({ type: ProductFilterDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ProductFilterDto)
  filters?: ProductFilterDto;
}

export class PriceChangeDto {
  @ApiProperty({ enum: ['amount', 'percent'] })
  @IsIn(['amount', 'percent'])
  type: 'amount' | 'percent';

  @ApiProperty({ example: 10, description: 'amount in major units (may be negative), or percent (-100…1000)' })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 4 })
  @Min(-1_000_000_000)
  @Max(1_000_000_000)
  value: number;
}

export class BulkPayloadDto {
  @ApiPropertyOptional({ type: [String], description: 'Select these products (≤ 10,000)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10_000)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  product_ids?: string[];

  @ApiPropertyOptional({ type: ProductFilterDto, description: 'Select by the product list filters' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ProductFilterDto)
  filter?: ProductFilterDto;

  @ApiPropertyOptional({ enum: PRODUCT_STATUSES })
  @IsOptional()
  @IsIn(PRODUCT_STATUSES)
  status?: ProductStatus;

  @ApiPropertyOptional({ nullable: true, description: 'Category slug to set (null clears it)' })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsSlug()
  @MaxLength(200)
  category?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsUUID()
  brand_id?: string | null;

  @ApiPropertyOptional({ description: 'Merged into each product; null removes a value' })
  @IsOptional()
  @IsAttributeMap()
  attributes?: Record<string, string | number | boolean | null>;

  @ApiPropertyOptional({ type: PriceChangeDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PriceChangeDto)
  price_change?: PriceChangeDto;
}

export class CreateBulkJobDto {
  @ApiProperty({ enum: ['BULK_UPDATE', 'BULK_DELETE'], example: 'BULK_UPDATE' })
  @IsIn(['BULK_UPDATE', 'BULK_DELETE'])
  job_type: 'BULK_UPDATE' | 'BULK_DELETE';

  @ApiPropertyOptional({ type: BulkPayloadDto, example: { status: 'ACTIVE' } })
  @IsOptional()
  @ValidateNested()
  @Type(() => BulkPayloadDto)
  payload?: BulkPayloadDto;
}

export class ListBulkJobsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['BULK_UPDATE', 'BULK_DELETE'], default: 'BULK_UPDATE' })
  @IsOptional()
  @IsIn(['BULK_UPDATE', 'BULK_DELETE'])
  type?: 'BULK_UPDATE' | 'BULK_DELETE';
}
