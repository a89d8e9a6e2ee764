import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto';

const MAX_QTY = 1_000_000_000;

export class VariantRefDto {
  @ApiPropertyOptional({ description: 'variant id (or give sku)' })
  @ValidateIf((o: VariantRefDto) => o.sku === undefined || o.variant_id !== undefined)
  @IsUUID()
  variant_id?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @ValidateIf((o: VariantRefDto) => o.variant_id === undefined || o.sku !== undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  sku?: string;
}

export class AdjustInventoryDto extends VariantRefDto {
  @ApiPropertyOptional({ description: 'default location when omitted' })
  @IsOptional()
  @IsUUID()
  location_id?: string;

  @ApiProperty({ description: 'units to add (negative to remove)', example: -2 })
  @IsInt()
  @Min(-MAX_QTY)
  @Max(MAX_QTY)
  delta: number;

  @ApiProperty({ maxLength: 500, example: 'damaged in transit' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason: string;
}

export class SetInventoryDto extends VariantRefDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  location_id?: string;

  @ApiProperty({ minimum: 0, example: 12 })
  @IsInt()
  @Min(0)
  @Max(MAX_QTY)
  quantity: number;

  @ApiProperty({ maxLength: 500, example: 'stock count' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason: string;
}

export class ReservationItemDto extends VariantRefDto {
  @ApiProperty({ minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(100000)
  quantity: number;
}

export class CreateReservationDto {
  @ApiProperty({ type: [ReservationItemDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => ReservationItemDto)
  items: ReservationItemDto[];

  @ApiPropertyOptional({ description: 'seconds until the reservation is released unless committed', minimum: 1, maximum: 2592000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2592000)
  expires_in?: number;

  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  reference?: string;

  @ApiPropertyOptional({ description: 'reserve at this channel’s stock location' })
  @IsOptional()
  @IsUUID()
  channel_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  location_id?: string;
}

export class InventoryQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  sku?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  variant_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  location_id?: string;
}

export class MovementsQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  variant_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  sku?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  location_id?: string;
}

export class CreateLocationDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsObject()
  address?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'make it the default location' })
  @IsOptional()
  @IsBoolean()
  is_default?: boolean;
}
