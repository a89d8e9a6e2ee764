export { Feed } from './feed.entity';
export type { FeedFormat, FeedTemplate, FeedReport } from './feed.entity';
