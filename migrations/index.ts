import { Foundation1795441583214 } from './1795441583214-Foundation';
import { Pim1795442722524 } from './1795442722524-Pim';
import { Webhooks1795443163466 } from './1795443163466-Webhooks';
import { Sync1795445752680 } from './1795445752680-Sync';
import { Feeds1795447651712 } from './1795447651712-Feeds';
import { Orders1795450000000 } from './1795450000000-Orders';
import { WebhookRetention1796040020868 } from './1796040020868-WebhookRetention';
import { DeveloperApi1796040033196 } from './1796040033196-DeveloperApi';
import { PluginShopify1796040092399 } from './1796040092399-PluginShopify';
import { Suppliers1796040888540 } from './1796040888540-Suppliers';
import { Storefront1796050000000 } from './1796050000000-Storefront';
import { BulkKeysetEventsFillfactor1796060000000 } from './1796060000000-BulkKeysetEventsFillfactor';
import { OrdersStaleRead1796070000000 } from './1796070000000-OrdersStaleRead';
import { SupplierImportFastPath1796080000000 } from './1796080000000-SupplierImportFastPath';
import { SyncLedgerStatusIndex1796090000000 } from './1796090000000-SyncLedgerStatusIndex';

/**
 * Every migration, in timestamp order, one per line. Listed explicitly so the compiled and the
 * ts-run code load the same set.
 */
export const MIGRATIONS: Function[] = [
  Foundation1795441583214,
  Pim1795442722524,
  Webhooks1795443163466,
  Sync1795445752680,
  Feeds1795447651712,
  Orders1795450000000,
  WebhookRetention1796040020868,
  DeveloperApi1796040033196,
  PluginShopify1796040092399,
  Suppliers1796040888540,
  Storefront1796050000000,
  BulkKeysetEventsFillfactor1796060000000,
  OrdersStaleRead1796070000000,
  SupplierImportFastPath1796080000000,
  SyncLedgerStatusIndex1796090000000,
];
