import type { OrderFilter } from '@synq/orders';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEmail,
  isEmail,
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
import { isIntIn, isPlainWith, isStr, isUuid, registerFastCheck } from '../../common/validation';
import { IsCurrencyCode, isCurrencyCode } from '../../common/validators';
import { IsMoney, isMoney } from '../../pim/dto/common';

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

// The order body is on the hottest write path: a hand-written check of the decorators above lets a
// plainly valid body skip class-validator (see registerFastCheck; anything else is validated by it).
// Keep it in step with the decorators; orders-dto.spec.ts compares the two on valid and invalid bodies.
const LINE_KEYS = new Set(['variant_id', 'sku', 'quantity', 'price', 'title']);
const CUSTOMER_KEYS = new Set(['email', 'name', 'phone']);
const ADDRESS_LIMITS: Record<string, number> = { name: 200, company: 200, line1: 300, line2: 300, city: 100, region: 100, postal_code: 30, country: 2, phone: 50 };
const ADDRESS_KEYS = new Set(Object.keys(ADDRESS_LIMITS));
const PAYMENT_KEYS = new Set(['amount', 'provider', 'method', 'reference']);
const ORDER_KEYS = new Set([
  'lines',
  'currency',
  'customer',
  'shipping_address',
  'billing_address',
  'shipping_total',
  'tax_total',
  'discount_total',
  'channel',
  'external_id',
  'note',
  'reserve_for_seconds',
  'payment',
]);

const opt = (v: unknown, check: (x: unknown) => boolean) => v === undefined || check(v);

function fastLine(l: unknown): boolean {
  if (!isPlainWith(l, LINE_KEYS)) return false;
  if (l.variant_id === undefined && l.sku === undefined) return false;
  return (
    opt(l.variant_id, isUuid) &&
    opt(l.sku, (x) => isStr(x, 100, true)) &&
    isIntIn(l.quantity, 1, 100000) &&
    opt(l.price, isMoney) &&
    opt(l.title, (x) => isStr(x, 500))
  );
}

function fastAddress(a: unknown): boolean {
  if (!isPlainWith(a, ADDRESS_KEYS)) return false;
  for (const k in a) if (!isStr(a[k], ADDRESS_LIMITS[k])) return false;
  return true;
}

export function fastCreateOrderCheck(b: unknown): boolean {
  if (!isPlainWith(b, ORDER_KEYS)) return false;
  if (!Array.isArray(b.lines) || b.lines.length < 1 || b.lines.length > 500 || !b.lines.every(fastLine)) return false;
  const c = b.customer;
  if (c !== undefined) {
    if (!isPlainWith(c, CUSTOMER_KEYS)) return false;
    if (!opt(c.email, (x) => isEmail(x) && isStr(x, 320)) || !opt(c.name, (x) => isStr(x, 200)) || !opt(c.phone, (x) => isStr(x, 50))) return false;
  }
  const pay = b.payment;
  if (pay !== undefined) {
    if (!isPlainWith(pay, PAYMENT_KEYS)) return false;
    if (!opt(pay.amount, isMoney) || !opt(pay.provider, (x) => isStr(x, 40)) || !opt(pay.method, (x) => isStr(x, 40)) || !opt(pay.reference, (x) => isStr(x, 255))) return false;
  }
  return (
    opt(b.currency, isCurrencyCode) &&
    opt(b.shipping_address, fastAddress) &&
    opt(b.billing_address, fastAddress) &&
    opt(b.shipping_total, isMoney) &&
    opt(b.tax_total, isMoney) &&
    opt(b.discount_total, isMoney) &&
    opt(b.channel, (x) => isStr(x, 40)) &&
    opt(b.external_id, (x) => isStr(x, 255, true)) &&
    opt(b.note, (x) => isStr(x, 2000)) &&
    opt(b.reserve_for_seconds, (x) => isIntIn(x, 60, 2592000))
  );
}

registerFastCheck(CreateOrderDto, fastCreateOrderCheck);

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

