import { SetMetadata } from '@nestjs/common';
import type { Role } from '@synq/common';

export const IS_PUBLIC = 'synq:public';
export const REQUIRED_ROLE = 'synq:role';

/** No credential needed (the route checks its own proof, e.g. a webhook signature). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/**
 * Minimum role. Without it, reads need `viewer` and writes (any method but GET/HEAD) need `editor`.
 */
export const Roles = (role: Role): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_ROLE, role);
