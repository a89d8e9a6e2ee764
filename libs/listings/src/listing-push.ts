import type { Params } from '@synq/common';

/**
 * CTE (without the leading WITH) that asks the sync engine to push a listing's product to the
 * listing's connection only, as a `sync.fanout` outbox row written in the caller's statement, so
 * the price change and its push commit together. `from` names a CTE returning `product_id` and
 * `connection_id` columns (nothing is queued when it returns no row).
 */
export function listingPushCte(params: Params, tenantId: string, from: string, name = 'push'): string {
  const t = params.add(tenantId);
  const tText = params.add(tenantId);
  return `${name} AS (
    INSERT INTO outbox (tenant_id, job_name, payload)
    SELECT ${t}::uuid, 'sync.fanout', jsonb_build_object('tenantId', ${tText}::text, 'productIds', jsonb_build_array(${from}.product_id::text),
                                                   'action', 'UPSERT', 'connectionIds', jsonb_build_array(${from}.connection_id::text))
      FROM ${from})`;
}
