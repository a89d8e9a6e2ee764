import type { OrderFilter } from '@synq/orders';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
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
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { OrderStatus } from '@synq/database';
import { PageQueryDto } from '../../common/page-query.dto';
import { IsCurrencyCode } from '../../common/validators';
import { IsMoney } from '../../pim/dto/common';

export const ORDER_STATUSES: OrderStatus[] = ['pending', 'paid', 'fulfilled', 'completed', 'cancelled', 'returned', 'refunded'];

export class OrderLineDto {
  @ApiPropertyOptional({ description: 'variant id (or give sku)' })
  @ValidateIf((o: OrderLineDto) => o.sku === undefined || o.variant_id !== undefined)
  @IsUUID()
  variant_id?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @ValidateIf((o: OrderLineDto) => o.variant_id === undefined || o.sku !== undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  sku?: string;

  @ApiProperty({ minimum: 1, maximum: 100000 })
  @IsInt()
  @Min(1)
  @Max(100000)
  quantity: number;

  @ApiPropertyOptional({ description: 'unit price in major units; defaults to the variant price', example: 19.99 })
  @IsOptional()
  @IsMoney()
  price?: number;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  title?: string;
}

export class CustomerDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(50)
  phone?: string;
}

export class AddressDto {
  @IsOptional() @IsString() @MaxLength(200) name?: string;
  @IsOptional() @IsString() @MaxLength(200) company?: string;
  @IsOptional() @IsString() @MaxLength(300) line1?: string;
  @IsOptional() @IsString() @MaxLength(300) line2?: string;
  @IsOptional() @IsString() @MaxLength(100) city?: string;
  @IsOptional() @IsString() @MaxLength(100) region?: string;
  @IsOptional() @IsString() @MaxLength(30) postal_code?: string;
  @IsOptional() @IsString() @MaxLength(2) country?: string;
  @IsOptional() @IsString() @MaxLength(50) phone?: string;
}

export class PaymentDto {
  @ApiPropertyOptional({ description: 'defaults to the order total' })
  @IsOptional()
  @IsMoney()
  amount?: number;

  @ApiPropertyOptional({ default: 'manual', maxLength: 40 })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  provider?: string;

  @ApiPropertyOptional({ maxLength: 40 })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  method?: string;

  @ApiPropertyOptional({ description: "the provider's payment id; paying twice with it is a no-op", maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  reference?: string;
}

export class CreateOrderDto {
  @ApiProperty({ type: [OrderLineDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => OrderLineDto)
  lines: OrderLineDto[];

  @ApiPropertyOptional({ example: 'USD' })
  @IsOptional()
  @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ type: CustomerDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => CustomerDto)
  customer?: CustomerDto;

  @ApiPropertyOptional({ type: AddressDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AddressDto)
  shipping_address?: AddressDto;

  @ApiPropertyOptional({ type: AddressDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AddressDto)
  billing_address?: AddressDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsMoney()
  shipping_total?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsMoney()
  tax_total?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsMoney()
  discount_total?: number;

  @ApiPropertyOptional({ description: "'manual' (default), 'storefront' or a channel id", maxLength: 40 })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  channel?: string;

  @ApiPropertyOptional({ description: 'your id for this order, unique per channel', maxLength: 255 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  external_id?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;

  @ApiPropertyOptional({ description: 'pending orders: cancel and release the stock after this many seconds unless paid', minimum: 60, maximum: 2592000 })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(2592000)
  reserve_for_seconds?: number;

  @ApiPropertyOptional({ type: PaymentDto, description: 'create the order paid (stock deducted, not reserved)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => PaymentDto)
  payment?: PaymentDto;
}

export class ListOrdersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ORDER_STATUSES })
  @IsOptional()
  @IsIn(ORDER_STATUSES)
  status?: OrderStatus;

  @ApiPropertyOptional({ description: 'channel id' })
  @IsOptional()
  @IsUUID()
  channel_id?: string;

  @ApiPropertyOptional({ description: 'created at or after (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  created_from?: string;

  @ApiPropertyOptional({ description: 'created before (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  created_to?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(320)
  customer_email?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(255)
  external_id?: string;
}

/** The orders module's filter from the list query (shared by the Platform API and the Developer API). */
export function orderFilterOf(q: ListOrdersQueryDto): OrderFilter {
  return {
    status: q.status,
    channelId: q.channel_id,
    createdFrom: q.created_from ? new Date(q.created_from) : undefined,
    createdTo: q.created_to ? new Date(q.created_to) : undefined,
    customerEmail: q.customer_email,
    externalId: q.external_id,
  };
}

export class LineQuantityDto {
  @ApiProperty()
  @IsUUID()
  line_id: string;

  @ApiProperty({ minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(100000)
  quantity: number;
}

export class FulfillOrderDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  carrier?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  tracking_number?: string;

  @ApiPropertyOptional({ maxLength: 2048 })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2048)
  tracking_url?: string;

  @ApiPropertyOptional({ type: [LineQuantityDto], description: 'omitted: every unit not yet fulfilled' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => LineQuantityDto)
  lines?: LineQuantityDto[];
}

export class CancelOrderDto {
  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class ReturnOrderDto {
  @ApiProperty({ type: [LineQuantityDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => LineQuantityDto)
  lines: LineQuantityDto[];

  @ApiProperty({ maxLength: 500 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason: string;

  @ApiPropertyOptional({ default: true, description: 'put the returned units back on hand' })
  @IsOptional()
  @IsBoolean()
  restock?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsMoney()
  refund_amount?: number;
}

