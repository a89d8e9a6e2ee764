export { Listing } from './listing.entity';
export type { ListingStatus } from './listing.entity';
export { CompetitorPrice } from './competitor-price.entity';
export { RepricerRule } from './repricer-rule.entity';
export type { RepricerStrategy, RepricerScope, ActiveHours } from './repricer-rule.entity';
export { ListingPriceChange } from './price-history.entity';
export type { PriceChangeSource } from './price-history.entity';
export { Agent } from './agent.entity';
export type { AgentRunResult } from './agent.entity';
