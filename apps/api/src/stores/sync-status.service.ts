import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isoSql, TenantContext } from '@synq/common';

export interface SyncStatusView {
  suppliers: number;
  feeds: number;
  products_synced: number;
  last_sync: string | null;
  last_activity: string | null;
}

/** The plugin's GET /api/sync/status, from the tenant's data. */
@Injectable()
export class SyncStatusService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async status(ctx: TenantContext): Promise<SyncStatusView> {
    const [rows, suppliers] = await Promise.all([
      this.db.query(
        `SELECT (SELECT count(*)::int FROM feeds WHERE tenant_id = $1) AS feeds,
                (SELECT count(DISTINCT product_id)::int FROM sync_states WHERE tenant_id = $1 AND status = 'SYNCED') AS products_synced,
                ${isoSql(`(SELECT max(last_synced_at) FROM sync_states WHERE tenant_id = $1 AND status = 'SYNCED')`)} AS last_sync,
                ${isoSql(`GREATEST((SELECT max(created_at) FROM audit_events WHERE tenant_id = $1),
                                   (SELECT max(last_synced_at) FROM sync_states WHERE tenant_id = $1),
                                   (SELECT max(updated_at) FROM connections WHERE tenant_id = $1))`)} AS last_activity`,
        [ctx.tenantId],
      ) as Promise<{ feeds: number; products_synced: number; last_sync: string | null; last_activity: string | null }[]>,
      this.supplierCount(ctx),
    ]);
    const r = rows[0];
    return { suppliers, feeds: r.feeds, products_synced: r.products_synced, last_sync: r.last_sync, last_activity: r.last_activity };
  }

  /**
   * Suppliers of the tenant. The feeds module adds the `suppliers` table (another branch): until it
   * exists the count is 0. Point this at the feeds module's own count once merged.
   */
  private async supplierCount(ctx: TenantContext): Promise<number> {
    const present: { t: string | null }[] = await this.db.query(`SELECT to_regclass('suppliers')::text AS t`);
    if (!present[0]?.t) return 0;
    const rows: { n: number }[] = await this.db.query(`SELECT count(*)::int AS n FROM suppliers WHERE tenant_id = $1`, [ctx.tenantId]);
    return rows[0]?.n ?? 0;
  }
}
