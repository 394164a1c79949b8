import { Module } from '@nestjs/common';
import { ServiceKitModule, type ServiceKitOptions } from '@autotelesale/service-kit';
import { AgentLegsService } from './agents/agent-legs.service';
import { CallDriverService } from './calls/call-driver.service';
import { CallRecording } from './calls/call-recording';
import { CallReconciler } from './campaigns/call-reconciler';
import { CampaignSupervisorService } from './campaigns/campaign-supervisor.service';
import { DIALER_SERVICE_CONFIG, loadDialerServiceConfig } from './config/dialer-service.config';
import { DialerMetrics } from './metrics/dialer-metrics';
import { CleanExit } from './drain/clean-exit';
import { DrainController } from './drain/drain.controller';
import { DialerAgentRpcHandlers } from './rpc/dialer-agent-rpc.handlers';
import { DialerRpcHandlers } from './rpc/dialer-rpc.handlers';
import { FsNodesService } from './telephony/fs-nodes.service';
import { INBOUND_GATE_CONFIG, loadInboundGateConfig } from './inbound/inbound-gate.config';
import { InboundGateService } from './inbound/inbound-gate.service';

export const SERVICE_OPTIONS: ServiceKitOptions = { service: 'dialer' };

@Module({
  imports: [ServiceKitModule.forRoot(SERVICE_OPTIONS)],
  controllers: [DrainController],
  providers: [
    { provide: DIALER_SERVICE_CONFIG, useFactory: () => loadDialerServiceConfig() },
    FsNodesService,
    AgentLegsService,
    CallRecording,
    CallDriverService,
    CallReconciler,
    CampaignSupervisorService,
    DialerRpcHandlers,
    DialerAgentRpcHandlers,
    CleanExit,
    DialerMetrics,
    { provide: INBOUND_GATE_CONFIG, useFactory: () => loadInboundGateConfig() },
    InboundGateService,
  ],
})
export class AppModule {}
