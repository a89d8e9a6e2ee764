import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { TenantContext } from '@synq/common';
import { OrdersService } from '@synq/orders';
import { Ctx } from '../common/ctx.decorator';
import { setNextLink } from '../common/page-query.dto';
import { CancelOrderDto, CreateOrderDto, FulfillOrderDto, ListOrdersQueryDto, orderFilterOf, PaymentDto, ReturnOrderDto } from './dto/orders.dto';

const uuid = () => new ParseUUIDPipe();

/**
 * Orders of every channel on the Platform API. Creating reserves (pending) or deducts (with
 * `payment`) stock atomically: 409 INSUFFICIENT_STOCK names the short lines. Transitions answer 409
 * ILLEGAL_TRANSITION naming the current state.
 */
@ApiTags('orders')
@ApiBearerAuth()
@Controller('api/v1/orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  create(@Ctx() ctx: TenantContext, @Body() dto: CreateOrderDto) {
    return this.orders.create(
      ctx,
      {
        lines: dto.lines.map((l) => ({ variantId: l.variant_id, sku: l.variant_id ? undefined : l.sku, quantity: l.quantity, unitPrice: l.price, title: l.title })),
        currency: dto.currency,
        customer: dto.customer,
        shippingAddress: dto.shipping_address ? { ...dto.shipping_address } : null,
        billingAddress: dto.billing_address ? { ...dto.billing_address } : null,
        shippingTotal: dto.shipping_total,
        taxTotal: dto.tax_total,
        discountTotal: dto.discount_total,
        externalId: dto.external_id,
        note: dto.note,
        payment: dto.payment,
      },
      { channel: dto.channel ?? 'manual', reserveForSeconds: dto.reserve_for_seconds },
    );
  }

  /** Oldest first, keyset pagination (`Link: rel="next"`); filters by status, channel, created range, customer email, external id. */
  @Get()
  async list(@Ctx() ctx: TenantContext, @Query() q: ListOrdersQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const page = await this.orders.list(
      ctx,
      orderFilterOf(q),
      q.limit ?? 100,
      q.cursor,
    );
    setNextLink(req, res, page.nextCursor);
    return page.items;
  }

  @Get(':id')
  get(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string) {
    return this.orders.get(ctx, id);
  }

  /** pending → paid (reserved units deducted). */
  @Post(':id/pay')
  @HttpCode(200)
  pay(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string, @Body() dto: PaymentDto) {
    return this.orders.markPaid(ctx, id, dto);
  }

  /** Ships some or all remaining units with carrier and tracking (paid → fulfilled once all shipped). */
  @Post(':id/fulfill')
  @HttpCode(200)
  fulfill(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string, @Body() dto: FulfillOrderDto) {
    return this.orders.fulfill(ctx, id, {
      carrier: dto.carrier,
      trackingNumber: dto.tracking_number,
      trackingUrl: dto.tracking_url,
      lines: dto.lines?.map((l) => ({ lineId: l.line_id, quantity: l.quantity })),
    });
  }

  /** fulfilled → completed. */
  @Post(':id/complete')
  @HttpCode(200)
  complete(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string) {
    return this.orders.complete(ctx, id);
  }

  /** pending|paid → cancelled: reserved units released, deducted units restocked. */
  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string, @Body() dto: CancelOrderDto) {
    return this.orders.cancel(ctx, id, { reason: dto.reason });
  }

  /** Returns shipped units with a reason (restocked unless restock=false); refunded once refunds reach the paid total. */
  @Post(':id/return')
  @HttpCode(200)
  return(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string, @Body() dto: ReturnOrderDto) {
    return this.orders.return(ctx, id, {
      lines: dto.lines.map((l) => ({ lineId: l.line_id, quantity: l.quantity })),
      reason: dto.reason,
      restock: dto.restock,
      refundAmount: dto.refund_amount,
    });
  }
}
