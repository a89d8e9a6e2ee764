import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { queryRows, SupplierRunTrigger } from '@synq/database';
import { OutboxService } from '@synq/events';

/**
 * Queues supplier runs: a run row and its `supplier.import` job in the caller's transaction (the
 * outbox relay enqueues it after commit). At most one run per supplier is active: the partial unique
 * index `uq_supplier_runs_active` turns a second request into `null`.
 */
@Injectable()
export class SupplierRunQueue {
  constructor(private readonly outbox: OutboxService) {}

  async queue(m: EntityManager, tenantId: string, supplierId: string, trigger: SupplierRunTrigger, uploadFile: string | null = null): Promise<string | null> {
    const rows = await queryRows<{ id: string }>(
      m,
      `INSERT INTO supplier_runs (tenant_id, supplier_id, trigger, upload_file) VALUES ($1, $2, $3, $4)
       ON CONFLICT (supplier_id) WHERE status IN ('queued', 'running', 'applying') DO NOTHING RETURNING id`,
      [tenantId, supplierId, trigger, uploadFile],
    );
    if (!rows.length) return null;
    await this.outbox.enqueue(m, tenantId, { name: 'supplier.import', data: { tenantId, supplierId, runId: rows[0].id } });
    return rows[0].id;
  }
}
