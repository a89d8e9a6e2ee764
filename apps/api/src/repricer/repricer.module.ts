import { Module } from '@nestjs/common';
import { RepricerController } from './repricer.controller';
import { RepricerService } from './repricer.service';

@Module({ controllers: [RepricerController], providers: [RepricerService] })
export class RepricerModule {}
