import { ConflictError, DomainError, ForbiddenError } from '@synq/common';

export class ProductLimitError extends ForbiddenError {
  constructor(message = 'Your plan’s product limit is reached: upgrade the plan or archive and delete products') {
    super(message, 'PIM_PRODUCT_LIMIT');
  }
}

export class SkuTakenError extends ConflictError {
  constructor(skus: string[]) {
    super(`SKU already in use: ${skus.join(', ')}`, 'SKU_TAKEN', skus.map((sku) => ({ field: 'sku', message: `SKU ${sku} is already in use`, sku })));
  }
}

export class SlugTakenError extends ConflictError {
  constructor(kind: string, slug: string) {
    super(`A ${kind} with slug "${slug}" already exists`, 'SLUG_TAKEN', [{ field: 'slug', message: `slug ${slug} is taken` }]);
  }
}

export class CategoryCycleError extends DomainError {
  constructor() {
    super(400, 'CATEGORY_CYCLE', 'A category cannot be moved under itself or one of its descendants', [
      { field: 'parentId', message: 'parentId would create a cycle' },
    ]);
  }
}

export class InUseError extends ConflictError {
  constructor(message: string, code: string) {
    super(message, code);
  }
}
