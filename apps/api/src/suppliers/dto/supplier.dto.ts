import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsCurrencyCode } from '../../common/validators';

export const SUPPLIER_FORMATS = ['csv', 'tsv', 'xml', 'json'] as const;
export const MATCH_ON = ['sku', 'barcode'] as const;
export const ON_MISSING = ['keep', 'archive', 'zero_stock'] as const;
export const AUTH_TYPES = ['basic', 'bearer', 'header'] as const;

export class SupplierAuthDto {
  @ApiProperty({ enum: AUTH_TYPES, description: 'basic: username + password; bearer: token; header: name + value' })
  @IsIn(AUTH_TYPES)
  type: (typeof AUTH_TYPES)[number];

  @ApiPropertyOptional({ maxLength: 200 })
  @ValidateIf((o: SupplierAuthDto) => o.type === 'basic')
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  username?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @ValidateIf((o: SupplierAuthDto) => o.type === 'basic')
  @IsString()
  @MaxLength(500)
  password?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @ValidateIf((o: SupplierAuthDto) => o.type === 'bearer')
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  token?: string;

  @ApiPropertyOptional({ maxLength: 100, example: 'X-Api-Key' })
  @ValidateIf((o: SupplierAuthDto) => o.type === 'header')
  @IsString()
  @Matches(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, { message: 'auth.name must be an HTTP header name' })
  name?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @ValidateIf((o: SupplierAuthDto) => o.type === 'header')
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  @Matches(/^[^\r\n]*$/, { message: 'auth.value must be one line' })
  value?: string;
}

export class SupplierScheduleDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 43200, description: 'run every N minutes' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(43200)
  interval_minutes?: number;

  @ApiPropertyOptional({ example: '0 3 * * *', description: '5-field cron expression, UTC' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  cron?: string;
}

export class UpdateSupplierDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ nullable: true, example: 'https://supplier.example/feed.csv', description: 'http(s); null: uploads only' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @MaxLength(2048)
  url?: string | null;

  @ApiPropertyOptional({ type: SupplierAuthDto, nullable: true, description: 'credentials for the URL; stored encrypted, never returned' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @ValidateNested()
  @Type(() => SupplierAuthDto)
  auth?: SupplierAuthDto | null;

  @ApiPropertyOptional({ enum: SUPPLIER_FORMATS })
  @IsOptional()
  @IsIn(SUPPLIER_FORMATS)
  format?: (typeof SUPPLIER_FORMATS)[number];

  @ApiPropertyOptional({ nullable: true, description: 'XML: element name of an item (default item); JSON: dotted path of the items array (default: the root array)' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @MaxLength(200)
  item_path?: string | null;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    description:
      '[{source, target, default?, transform?}]: source column/path → sku, barcode, title, description, variant_title, price, compare_at_price, cost_price, currency, brand, category, images, weight_grams, stock, group, status, attributes.<slug>, variant_attributes.<slug>, options.<name>; transforms trim, lowercase, uppercase, prefix, suffix, replace {find, with}, markup_percent, multiply, add, round, split, map',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsObject({ each: true })
  mapping?: Record<string, unknown>[];

  @ApiPropertyOptional({ enum: MATCH_ON, default: 'sku' })
  @IsOptional()
  @IsIn(MATCH_ON)
  match_on?: (typeof MATCH_ON)[number];

  @ApiPropertyOptional({ enum: ON_MISSING, default: 'keep', description: 'what happens to this supplier’s products absent from a run' })
  @IsOptional()
  @IsIn(ON_MISSING)
  on_missing?: (typeof ON_MISSING)[number];

  @ApiPropertyOptional({ nullable: true, example: 'EUR', description: 'currency of prices when the mapping gives none' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsCurrencyCode()
  currency?: string | null;

  @ApiPropertyOptional({ type: SupplierScheduleDto, nullable: true })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @ValidateNested()
  @Type(() => SupplierScheduleDto)
  schedule?: SupplierScheduleDto | null;

  @ApiPropertyOptional({ default: true, description: 'scheduled runs happen only while enabled' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class CreateSupplierDto extends UpdateSupplierDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  declare name: string;

  @ApiProperty({ enum: SUPPLIER_FORMATS })
  @IsIn(SUPPLIER_FORMATS)
  declare format: (typeof SUPPLIER_FORMATS)[number];

  @ApiProperty({ type: 'array', items: { type: 'object' } })
  @IsArray()
  @ArrayMaxSize(200)
  @IsObject({ each: true })
  declare mapping: Record<string, unknown>[];
}
