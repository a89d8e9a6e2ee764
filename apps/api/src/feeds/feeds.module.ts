import { Module } from '@nestjs/common';
import { FeedGenerator } from '@synq/feeds';
import { FeedsController } from './feeds.controller';
import { FeedsService } from './feeds.service';
import { PublicFeedsController } from './public-feeds.controller';

@Module({
  controllers: [FeedsController, PublicFeedsController],
  providers: [FeedsService, FeedGenerator],
  exports: [FeedsService],
})
export class FeedsModule {}
