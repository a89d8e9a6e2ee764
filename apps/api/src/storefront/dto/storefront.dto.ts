import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCurrencyCode } from '../../common/validators';
import { PageQueryDto } from '../../common/page-query.dto';
import { IsMoney } from '../../pim/dto/common';
import { KNOWN_FILE_TYPES } from '../file-types';

const URL_OPTS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };
/** an origin: scheme, host and optional port, nothing else */
const ORIGIN_RE = /^https?:\/\/(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+|\*\.[A-Za-z0-9.-]+)(:\d{1,5})?$/;

export class OfferDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  product_id: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'one variant only; omitted: every priced variant of the product' })
  @IsOptional()
  @IsUUID()
  variant_id?: string | null;
}

export class UpdateStorefrontDto {
  @ApiPropertyOptional({ description: 'enabling creates the publishable key sf_live_…' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ maxLength: 120 })
  @IsOptional()
  @IsString()
  @MaxLength(120)
  display_name?: string | null;

  @ApiPropertyOptional({ maxLength: 2048 })
  @IsOptional()
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true, require_tld: false })
  @MaxLength(2048)
  logo_url?: string | null;

  @ApiPropertyOptional({ example: '#4f46e5' })
  @IsOptional()
  @Matches(/^#[0-9a-fA-F]{6}$/, { message: 'accent_color must be a colour like #4f46e5' })
  accent_color?: string;

  @ApiPropertyOptional({ example: 'EUR' })
  @IsOptional()
  @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ type: [OfferDto], maxItems: 100, description: 'products/variants offered pre-priced' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => OfferDto)
  offers?: OfferDto[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  allow_quotes?: boolean;

  @ApiPropertyOptional({ example: ['stl', 'obj', '3mf', 'pdf', 'png', 'jpeg'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(KNOWN_FILE_TYPES.length)
  @ArrayUnique()
  @IsIn(KNOWN_FILE_TYPES, { each: true, message: `allowed_file_types entries must be among ${KNOWN_FILE_TYPES.join(', ')}` })
  allowed_file_types?: string[];

  @ApiPropertyOptional({ minimum: 1024, maximum: 10485760 })
  @IsOptional()
  @IsInt()
  @Min(1024)
  @Max(10 * 1024 * 1024)
  max_file_bytes?: number;

  @ApiPropertyOptional({ description: 'where Stripe Checkout returns after payment' })
  @IsOptional()
  @IsUrl(URL_OPTS)
  @MaxLength(2048)
  success_url?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUrl(URL_OPTS)
  @MaxLength(2048)
  cancel_url?: string | null;

  @ApiPropertyOptional({ example: ['https://shop.example.com'], description: 'origins that may frame /s/{key}; empty: any' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @MaxLength(255, { each: true })
  @Matches(ORIGIN_RE, { each: true, message: 'allowed_origins entries must be origins like https://shop.example.com (no path)' })
  allowed_origins?: string[];
}

export class CustomerDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({ maxLength: 254 })
  @IsEmail({}, { message: 'customer.email must be an email address' })
  @MaxLength(254)
  email: string;

  @ApiPropertyOptional({ maxLength: 40 })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @Matches(/^[0-9+() .-]*$/, { message: 'phone may contain only digits, spaces and + ( ) . -' })
  phone?: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  address?: string;
}

export class CreateStorefrontOrderDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  product_id: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  variant_id?: string;

  @ApiProperty({ minimum: 1, maximum: 1000 })
  @IsInt()
  @Min(1)
  @Max(1000)
  quantity: number;

  @ApiProperty({ type: CustomerDto })
  @ValidateNested()
  @Type(() => CustomerDto)
  customer: CustomerDto;
}

export class CreateQuoteDto {
  @ApiProperty({ type: CustomerDto })
  @ValidateNested()
  @Type(() => CustomerDto)
  customer: CustomerDto;

  @ApiProperty({ maxLength: 5000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  description: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  quantity?: number;

  @ApiPropertyOptional({ type: [String], maxItems: 10 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  file_ids?: string[];

  @ApiPropertyOptional({ maxLength: 2048, description: 'a pasted link to the file' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2048)
  file_url?: string;
}

/** `?key=` is how browsers pass the publishable key; query DTOs of public routes accept it. */
export class StorefrontKeyQueryDto {
  @ApiPropertyOptional({ description: 'publishable key sf_…' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  key?: string;
}

export class QuoteAccessQueryDto extends StorefrontKeyQueryDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  token: string;
}

export class AcceptQuoteDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  quote_id: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  token: string;
}

export class FileAccessQueryDto extends StorefrontKeyQueryDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  token: string;
}

export const QUOTE_STATUSES = ['pending', 'quoted', 'accepted', 'paid', 'rejected'] as const;

export class ListQuotesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: QUOTE_STATUSES })
  @IsOptional()
  @IsIn(QUOTE_STATUSES)
  status?: (typeof QUOTE_STATUSES)[number];
}

export class PriceQuoteDto {
  @ApiProperty({ example: 149.5, description: 'total price of the quote, major units' })
  @IsMoney()
  amount: number;

  @ApiPropertyOptional({ example: 'EUR', description: "defaults to the storefront's currency" })
  @IsOptional()
  @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;

  @ApiProperty({ example: '2026-12-31T23:59:59Z' })
  @IsISO8601({ strict: true })
  valid_until: string;
}

export class StripeConnectDto {
  @ApiPropertyOptional({ description: 'where the merchant lands after onboarding' })
  @IsOptional()
  @IsUrl(URL_OPTS)
  @MaxLength(2048)
  return_url?: string;
}

export class StripeReturnQueryDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  state: string;
}
