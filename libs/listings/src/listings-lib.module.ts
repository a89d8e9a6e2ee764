import { Module } from '@nestjs/common';
import { RepricerEngine } from './repricer.engine';

/** Shared by api and worker: the repricer (pure pricing, loaders, and the engine that applies changes). */
@Module({ providers: [RepricerEngine], exports: [RepricerEngine] })
export class ListingsLibModule {}
