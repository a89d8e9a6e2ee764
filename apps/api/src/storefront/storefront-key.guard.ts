import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { StorefrontService } from './storefront.service';
import { publishableKeyOf, StorefrontRequest } from './storefront-context';
import { PublishableKeyRequiredError, UnknownPublishableKeyError } from './storefront.errors';

/**
 * Authenticates the public storefront routes by publishable key (`?key=` or `X-Synqro-Store`): the
 * store must exist and be enabled. Everything the route then does is scoped to that store's tenant.
 */
@Injectable()
export class StorefrontKeyGuard implements CanActivate {
  constructor(private readonly storefronts: StorefrontService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<StorefrontRequest>();
    const key = publishableKeyOf(req);
    if (!key) throw new PublishableKeyRequiredError();
    const sf = await this.storefronts.findEnabledByKey(key);
    if (!sf) throw new UnknownPublishableKeyError();
    req.storefront = sf;
    return true;
  }
}
