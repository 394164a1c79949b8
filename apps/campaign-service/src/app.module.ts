import { Module } from '@nestjs/common';
import { ServiceKitModule, type ServiceKitOptions } from '@autotelesale/service-kit';
import { CAMPAIGN_DATABASE } from './db/campaign-db.constants';
import { PrismaService } from './db/prisma.service';
import { CampaignPoolCloser, campaignPoolProvider } from './db/campaign-pool';
import { OutboxRelay } from './outbox/outbox-relay.service';
import { CampaignService } from './campaigns/campaign.service';
import { ListService } from './lists/list.service';
import { ListImportService } from './lists/list-import.service';
import { ContactService } from './contacts/contact.service';
import { ContactQueueService } from './contacts/contact-queue.service';
import { DispositionService } from './dispositions/disposition.service';
import { CallbackService } from './callbacks/callback.service';
import { CampaignRpcController } from './rpc/campaign-rpc.controller';
import { CampaignMetrics } from './metrics/campaign-metrics';
import { ImportProgressMetrics } from './metrics/import-progress-metrics';
import { complianceClockProvider } from './compliance/compliance-clock';
import { DialClearanceService } from './compliance/dial-clearance.service';
import { DncService } from './compliance/dnc.service';
import { ComplianceRpcController } from './rpc/compliance-rpc.controller';

export const SERVICE_OPTIONS: ServiceKitOptions = { service: 'campaign', database: CAMPAIGN_DATABASE };

@Module({
  imports: [ServiceKitModule.forRoot(SERVICE_OPTIONS)],
  providers: [
    PrismaService,
    campaignPoolProvider,
    CampaignPoolCloser,
    OutboxRelay,
    CampaignMetrics,
    ImportProgressMetrics,
    CampaignService,
    ListService,
    ListImportService,
    ContactService,
    ContactQueueService,
    DispositionService,
    CallbackService,
    CampaignRpcController,
    complianceClockProvider,
    DialClearanceService,
    DncService,
    ComplianceRpcController,
  ],
})
export class AppModule {}
