import { ConflictError } from '@synq/common';

export class FeedSlugTakenError extends ConflictError {
  constructor(slug: string) {
    super(`The feed slug "${slug}" is taken`, 'SLUG_TAKEN', [{ field: 'slug', message: `slug ${slug} is taken` }]);
  }
}
