import { Module } from '@nestjs/common';
import { ConnectorsModule } from '@synq/connectors';
import { IntegrationsLibModule } from '@synq/integrations';
import { IntegrationsController } from './integrations.controller';
import { IntegrationsService } from './integrations.service';

@Module({
  imports: [ConnectorsModule, IntegrationsLibModule],
  controllers: [IntegrationsController],
  providers: [IntegrationsService],
})
export class IntegrationsModule {}
