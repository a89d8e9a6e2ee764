import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { TenantContext } from '@synq/common';
import type { Storefront } from '@synq/database';
import type { SynqRequest } from '../common/request';
import { PublishableKeyRequiredError } from './storefront.errors';

export interface StorefrontRequest extends SynqRequest {
  storefront?: Storefront;
}

/** The publishable key of a storefront request: `?key=` or `X-Synqro-Store`. */
export function publishableKeyOf(req: { query: unknown; header(name: string): string | undefined }): string | undefined {
  const q = (req.query as Record<string, unknown>)?.key;
  const fromQuery = typeof q === 'string' ? q : undefined;
  const key = fromQuery ?? req.header('x-synqro-store');
  return key && key.length <= 100 ? key : undefined;
}

/** Who acts on a storefront request: the shopper, on the store's tenant. */
export function storefrontContext(sf: Storefront, requestId?: string): TenantContext {
  return { tenantId: sf.tenantId, orgId: sf.orgId, role: 'viewer', actorType: 'storefront', actorId: 'storefront', requestId };
}

/** The storefront the guard resolved from the publishable key. */
export const CurrentStorefront = createParamDecorator((_: unknown, context: ExecutionContext): Storefront => {
  const req = context.switchToHttp().getRequest<StorefrontRequest>();
  if (!req.storefront) throw new PublishableKeyRequiredError();
  return req.storefront;
});
