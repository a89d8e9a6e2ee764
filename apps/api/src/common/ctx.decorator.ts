import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { TenantContext, UnauthorizedError } from '@synq/common';
import type { SynqRequest } from './request';

/** The caller's tenant context, set by the auth guard. */
export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): TenantContext => {
  const req = context.switchToHttp().getRequest<SynqRequest>();
  if (!req.ctx) throw new UnauthorizedError();
  return req.ctx;
});
