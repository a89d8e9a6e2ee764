import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '@synq/audit';
import { TenantContext } from '@synq/common';
import { TenantSettings } from '@synq/database';
import { UpdateSettingsDto } from './dto/settings.dto';

function view(s: TenantSettings) {
  return {
    default_currency: s.defaultCurrency,
    auto_sync: s.autoSync,
    low_stock_threshold: s.lowStockThreshold,
    allow_backorders: s.allowBackorders,
    timezone: s.timezone,
    weight_unit: s.weightUnit,
    updated_at: s.updatedAt.toISOString(),
  };
}

/** Tenant-level typed preferences (one row per tenant, created with the account). */
@Injectable()
export class SettingsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async get(ctx: TenantContext) {
    const repo = this.db.getRepository(TenantSettings);
    await repo.createQueryBuilder().insert().values({ tenantId: ctx.tenantId }).orIgnore().execute();
    return view(await repo.findOneByOrFail({ tenantId: ctx.tenantId }));
  }

  async update(ctx: TenantContext, dto: UpdateSettingsDto) {
    return this.db.transaction(async (m) => {
      const repo = m.getRepository(TenantSettings);
      await repo.createQueryBuilder().insert().values({ tenantId: ctx.tenantId }).orIgnore().execute();
      const s = await repo.findOneOrFail({ where: { tenantId: ctx.tenantId }, lock: { mode: 'pessimistic_write' } });
      const before = view(s);
      if (dto.default_currency !== undefined) s.defaultCurrency = dto.default_currency;
      if (dto.auto_sync !== undefined) s.autoSync = dto.auto_sync;
      if (dto.low_stock_threshold !== undefined) s.lowStockThreshold = dto.low_stock_threshold;
      if (dto.allow_backorders !== undefined) s.allowBackorders = dto.allow_backorders;
      if (dto.timezone !== undefined) s.timezone = dto.timezone;
      if (dto.weight_unit !== undefined) s.weightUnit = dto.weight_unit;
      const saved = await repo.save(s);
      const after = view(saved);
      await this.audit.record(m, ctx, { action: 'settings.updated', resourceType: 'settings', resourceId: ctx.tenantId, before, after });
      return after;
    });
  }
}
