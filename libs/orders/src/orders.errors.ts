import { ConflictError, ErrorDetail } from '@synq/common';

export interface ShortLine {
  variant_id: string;
  sku: string | null;
  requested: number;
  available: number;
}

/** 409 INSUFFICIENT_STOCK: names every line that is short (details[].variant_id, sku, requested, available). */
export class InsufficientStockError extends ConflictError {
  constructor(readonly lines: ShortLine[]) {
    super(
      `Insufficient stock for ${lines.map((l) => `${l.sku ?? l.variant_id} (requested ${l.requested}, available ${l.available})`).join(', ')}`,
      'INSUFFICIENT_STOCK',
      lines.map((l) => ({ field: 'items', message: `${l.sku ?? l.variant_id}: requested ${l.requested}, available ${l.available}`, ...l }) as ErrorDetail),
    );
  }
}

/** 409 ILLEGAL_TRANSITION naming the current state. */
export class IllegalTransitionError extends ConflictError {
  constructor(resource: string, id: string, current: string, action: string) {
    super(`${resource} ${id} is ${current}: cannot ${action}`, 'ILLEGAL_TRANSITION', [{ field: 'status', message: `current status is ${current}`, current_status: current }]);
  }
}

export class ChannelDisabledError extends ConflictError {
  constructor(channelId: string) {
    super(`Channel ${channelId} is disabled`, 'CHANNEL_DISABLED');
  }
}
