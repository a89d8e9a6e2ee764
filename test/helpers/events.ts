import { DataSource } from 'typeorm';
import { OutboxService } from '@synq/events';
import type { Stack } from './stack';

/** Emits a domain event the way a feature does: through the outbox, in a transaction of the api's DataSource. */
export async function emitEvent(stack: Stack, tenantId: string, type: string, data: Record<string, unknown>): Promise<string> {
  const ds = stack.api!.get(DataSource);
  const outbox = stack.api!.get(OutboxService);
  return ds.transaction(async (m) => (await outbox.emit(m, tenantId, type, data)).id);
}
