import { Foundation1795441583214 } from './1795441583214-Foundation';
import { Pim1795442722524 } from './1795442722524-Pim';
import { Sync1795445752680 } from './1795445752680-Sync';

/** Every migration, in order. Listed explicitly so the compiled and the ts-run code load the same set. */
export const MIGRATIONS: Function[] = [Foundation1795441583214, Pim1795442722524, Sync1795445752680];
