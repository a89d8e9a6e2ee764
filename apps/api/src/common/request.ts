import type { Request } from 'express';
import type { TenantContext } from '@synq/common';

/** The express request as Synq's middleware and guards leave it. */
export interface SynqRequest extends Request {
  id: string;
  ctx?: TenantContext;
  rawBody?: Buffer;
}
