import { Injectable } from '@nestjs/common';
import { FeedGenerator } from '@synq/feeds';
import { JobData, JobHandler, JobProcessor } from '@synq/queue';

/**
 * Builds a feed's file. Without `force` it does nothing while the file is current (catalog and
 * configuration unchanged); while another process generates the feed it leaves it to that one.
 */
@Injectable()
@JobProcessor('feed.generate')
export class FeedGenerateProcessor implements JobHandler<'feed.generate'> {
  constructor(private readonly generator: FeedGenerator) {}

  async handle(data: JobData<'feed.generate'>): Promise<{ outcome: string }> {
    const feed = await this.generator.load(data.feedId);
    if (!feed || feed.tenantId !== data.tenantId) return { outcome: 'gone' };
    return { outcome: await this.generator.refresh(data.feedId, !!data.force) };
  }
}
