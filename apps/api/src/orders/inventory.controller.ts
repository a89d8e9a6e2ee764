import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { TenantContext } from '@synq/common';
import { InventoryService } from '@synq/orders';
import { Ctx } from '../common/ctx.decorator';
import { PageQueryDto, setNextLink } from '../common/page-query.dto';
import { AdjustInventoryDto, CreateLocationDto, CreateReservationDto, InventoryQueryDto, MovementsQueryDto, SetInventoryDto } from './dto/inventory.dto';
import { InventoryReadsService } from './inventory-reads.service';

const uuid = () => new ParseUUIDPipe();

function levelView(r: { variant_id: string; product_id: string; sku: string | null; location_id: string; on_hand_before: number; on_hand_after: number; reserved_before: number; reserved_after: number }) {
  return {
    variant_id: r.variant_id,
    product_id: r.product_id,
    sku: r.sku,
    location_id: r.location_id,
    on_hand: r.on_hand_after,
    reserved: r.reserved_after,
    available: r.on_hand_after - r.reserved_after,
    before: { on_hand: r.on_hand_before, reserved: r.reserved_before, available: r.on_hand_before - r.reserved_before },
  };
}

/** Stock per variant per location, movements, locations and reservations. */
@ApiTags('inventory')
@ApiBearerAuth()
@Controller('api/v1/inventory')
export class InventoryController {
  constructor(
    private readonly inventory: InventoryService,
    private readonly reads: InventoryReadsService,
  ) {}

  /** Levels (on hand, reserved, available) filtered by sku, variant_id, location_id. */
  @Get()
  async list(@Ctx() ctx: TenantContext, @Query() q: InventoryQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const page = await this.reads.list(ctx, { sku: q.sku, variantId: q.variant_id, locationId: q.location_id }, q.limit ?? 100, q.cursor);
    setNextLink(req, res, page.nextCursor);
    return page.items;
  }

  @Get('locations')
  async locations(@Ctx() ctx: TenantContext, @Query() q: PageQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const page = await this.reads.locations(ctx, q.limit ?? 100, q.cursor);
    setNextLink(req, res, page.nextCursor);
    return page.items;
  }

  @Post('locations')
  createLocation(@Ctx() ctx: TenantContext, @Body() dto: CreateLocationDto) {
    return this.reads.createLocation(ctx, dto);
  }

  /** Every stock change: who, why, before, after. */
  @Get('movements')
  async movements(@Ctx() ctx: TenantContext, @Query() q: MovementsQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const page = await this.reads.movements(ctx, { variantId: q.variant_id, sku: q.sku, locationId: q.location_id }, q.limit ?? 100, q.cursor);
    setNextLink(req, res, page.nextCursor);
    return page.items;
  }

  @Post('adjust')
  @HttpCode(200)
  async adjust(@Ctx() ctx: TenantContext, @Body() dto: AdjustInventoryDto) {
    return levelView(await this.inventory.adjust(ctx, { variantId: dto.variant_id, sku: dto.variant_id ? undefined : dto.sku, locationId: dto.location_id, delta: dto.delta, reason: dto.reason }));
  }

  @Post('set')
  @HttpCode(200)
  async set(@Ctx() ctx: TenantContext, @Body() dto: SetInventoryDto) {
    return levelView(await this.inventory.set(ctx, { variantId: dto.variant_id, sku: dto.variant_id ? undefined : dto.sku, locationId: dto.location_id, quantity: dto.quantity, reason: dto.reason }));
  }

  /** Holds units (all or none: 409 INSUFFICIENT_STOCK naming the short lines); released when `expires_in` passes. */
  @Post('reservations')
  reserve(@Ctx() ctx: TenantContext, @Body() dto: CreateReservationDto) {
    return this.inventory.reserve(
      ctx,
      dto.items.map((i) => ({ variantId: i.variant_id, sku: i.variant_id ? undefined : i.sku, quantity: i.quantity })),
      { expiresInSeconds: dto.expires_in, reference: dto.reference, channelId: dto.channel_id, locationId: dto.location_id },
    );
  }

  @Get('reservations/:id')
  reservation(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string) {
    return this.inventory.getReservation(ctx, id);
  }

  /** Releases the units (409 naming the state when no longer active). */
  @Delete('reservations/:id')
  release(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string) {
    return this.inventory.release(ctx, id);
  }

  /** Turns the reservation into a deduction of on hand. */
  @Post('reservations/:id/commit')
  @HttpCode(200)
  commit(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string) {
    return this.inventory.commit(ctx, id);
  }

  /** One variant's stock: totals and each location. */
  @Get(':variant_id')
  variant(@Ctx() ctx: TenantContext, @Param('variant_id', uuid()) id: string) {
    return this.reads.forVariant(ctx, id);
  }
}
