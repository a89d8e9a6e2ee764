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
    const rows = await (this.db.query(
        `SELECT (SELECT count(*)::int FROM suppliers WHERE tenant_id = $1) AS suppliers,
                (SELECT count(*)::int FROM feeds WHERE tenant_id = $1) AS feeds,
                (SELECT count(DISTINCT product_id)::int FROM sync_states WHERE tenant_id = $1 AND status = 'SYNCED') AS products_synced,
                ${isoSql(`(SELECT max(last_synced_at) FROM sync_states WHERE tenant_id = $1 AND status = 'SYNCED')`)} AS last_sync,
                ${isoSql(`GREATEST((SELECT max(created_at) FROM audit_events WHERE tenant_id = $1),
                                   (SELECT max(last_synced_at) FROM sync_states WHERE tenant_id = $1),
                                   (SELECT max(updated_at) FROM connections WHERE tenant_id = $1))`)} AS last_activity`,
        [ctx.tenantId],
      ) as Promise<{ suppliers: number; feeds: number; products_synced: number; last_sync: string | null; last_activity: string | null }[]>);
    const r = rows[0];
    return { suppliers: r.suppliers, feeds: r.feeds, products_synced: r.products_synced, last_sync: r.last_sync, last_activity: r.last_activity };
  }
}
