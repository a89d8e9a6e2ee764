import { Injectable } from '@nestjs/common';
import { RepricerEngine, RepriceCounts } from '@synq/listings';
import { JobData, JobHandler, JobProcessor } from '@synq/queue';

/** Evaluates the tenant's repricer rules for the given listings (or all of them): see RepricerEngine. */
@Injectable()
@JobProcessor('repricer.evaluate')
export class RepricerEvaluateProcessor implements JobHandler<'repricer.evaluate'> {
  constructor(private readonly engine: RepricerEngine) {}

  handle(data: JobData<'repricer.evaluate'>): Promise<RepriceCounts> {
    return this.engine.evaluate(data.tenantId, data.listingIds, { byAgent: !!data.agentId });
  }
}
