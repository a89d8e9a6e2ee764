import { Foundation1795441583214 } from './1795441583214-Foundation';
import { Pim1795442722524 } from './1795442722524-Pim';
import { Webhooks1795443163466 } from './1795443163466-Webhooks';
import { Sync1795445752680 } from './1795445752680-Sync';
import { Feeds1795447651712 } from './1795447651712-Feeds';
import { BulkKeysetEventsFillfactor1795450000000 } from './1795450000000-BulkKeysetEventsFillfactor';

/** Every migration, in order. Listed explicitly so the compiled and the ts-run code load the same set. */
export const MIGRATIONS: Function[] = [Foundation1795441583214, Pim1795442722524, Webhooks1795443163466, Sync1795445752680, Feeds1795447651712, BulkKeysetEventsFillfactor1795450000000];
