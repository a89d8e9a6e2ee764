import { Foundation1795441583214 } from './1795441583214-Foundation';
import { Webhooks1795443163466 } from './1795443163466-Webhooks';

/** Every migration, in order. Listed explicitly so the compiled and the ts-run code load the same set. */
export const MIGRATIONS: Function[] = [Foundation1795441583214, Webhooks1795443163466];
