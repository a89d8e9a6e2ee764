import { Module } from '@nestjs/common';
import { ConnectorsModule } from '@synq/connectors';
import { IntegrationsLibModule } from '@synq/integrations';
import { ShopifyOAuthController } from './shopify-oauth.controller';
import { ShopifyOAuthService } from './shopify-oauth.service';

@Module({
  imports: [ConnectorsModule, IntegrationsLibModule],
  controllers: [ShopifyOAuthController],
  providers: [ShopifyOAuthService],
})
export class ShopifyModule {}
