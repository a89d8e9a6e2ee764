import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { TenantContext } from '@synq/common';
import { Ctx } from '../common/ctx.decorator';
import { PageQueryDto, setNextLink } from '../common/page-query.dto';
import { Roles } from '../common/route-metadata';
import { CreateWebhookDto, DeliveryQueryDto, ReplaySinceDto, UpdateWebhookDto } from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

const uuid = () => new ParseUUIDPipe();

/**
 * Outbound webhooks: on the Platform API (`/api/v1/webhooks`, tenant headers) and the Developer API
 * (`/v1/webhooks`, tenant from the secret key). Managing endpoints needs admin; reading, viewer.
 */
@ApiTags('webhooks')
@ApiBearerAuth()
@Roles('admin')
@Controller(['api/v1/webhooks', 'v1/webhooks'])
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  /** The events one can subscribe to, with the schema of their `data`. */
  @Get('event-types')
  @Roles('viewer')
  eventTypes() {
    return this.webhooks.eventTypes();
  }

  /** Subscribes a URL; the signing secret (`whsec_…`) is in this response only. */
  @Post()
  create(@Ctx() ctx: TenantContext, @Body() dto: CreateWebhookDto) {
    return this.webhooks.create(ctx, dto);
  }

  @Get()
  @Roles('viewer')
  async list(@Ctx() ctx: TenantContext, @Query() q: PageQueryDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const page = await this.webhooks.list(ctx, q.limit ?? 100, q.cursor);
    setNextLink(req, res, page.nextCursor);
    return page.items;
  }

  @Get(':id')
  @Roles('viewer')
  get(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string) {
    return this.webhooks.get(ctx, id);
  }

  @Patch(':id')
  update(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string, @Body() dto: UpdateWebhookDto) {
    return this.webhooks.update(ctx, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string): Promise<void> {
    await this.webhooks.remove(ctx, id);
  }

  /** A new secret, returned here only; the old one keeps signing alongside it for 24 h. */
  @Post(':id/rotate-secret')
  @HttpCode(200)
  rotateSecret(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string) {
    return this.webhooks.rotateSecret(ctx, id);
  }

  /** Sends a `webhook.test` event to this endpoint only. */
  @Post(':id/test')
  @HttpCode(202)
  test(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string) {
    return this.webhooks.sendTest(ctx, id);
  }

  /** The delivery log, newest first. */
  @Get(':id/deliveries')
  @Roles('viewer')
  async deliveries(
    @Ctx() ctx: TenantContext,
    @Param('id', uuid()) id: string,
    @Query() q: DeliveryQueryDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const page = await this.webhooks.listDeliveries(ctx, id, q);
    setNextLink(req, res, page.nextCursor);
    return page.items;
  }

  @Get(':id/deliveries/:deliveryId')
  @Roles('viewer')
  delivery(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string, @Param('deliveryId', uuid()) deliveryId: string) {
    return this.webhooks.getDelivery(ctx, id, deliveryId);
  }

  @Post(':id/deliveries/:deliveryId/replay')
  @HttpCode(202)
  replayDelivery(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string, @Param('deliveryId', uuid()) deliveryId: string) {
    return this.webhooks.replayDelivery(ctx, id, deliveryId);
  }

  /** Re-sends every failed delivery since a time. */
  @Post(':id/replay')
  @HttpCode(202)
  replaySince(@Ctx() ctx: TenantContext, @Param('id', uuid()) id: string, @Query() q: ReplaySinceDto) {
    return this.webhooks.replaySince(ctx, id, new Date(q.since));
  }
}
