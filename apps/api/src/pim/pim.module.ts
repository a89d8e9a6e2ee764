import { Module } from '@nestjs/common';
import { AttributesService } from './attributes.service';
import { BatchService } from './batch.service';
import { CatalogController } from './catalog.controller';
import { InsightsController } from './insights.controller';
import { InsightsService } from './insights.service';
import { PimJobsService } from './jobs.service';
import { MediaService } from './media.service';
import { ProductsController } from './products.controller';
import { ProductsService } from './products.service';
import { TaxonomyService } from './taxonomy.service';

@Module({
  controllers: [ProductsController, CatalogController, InsightsController],
  providers: [ProductsService, BatchService, TaxonomyService, AttributesService, MediaService, InsightsService, PimJobsService],
  exports: [ProductsService],
})
export class PimModule {}
