import { Module } from '@nestjs/common';
import { ServiceKitModule, type ServiceKitOptions } from '@autotelesale/service-kit';
import { loadReportingServiceConfig, REPORTING_SERVICE_CONFIG } from './config/reporting-service.config';
import { PrismaService } from './db/prisma.service';
import { REPORTING_DATABASE } from './db/reporting-db.constants';
import { ReportingDatabase } from './db/reporting-database';
import { ApplyAgentStateUseCase } from './ingest/apply-agent-state.use-case';
import { ApplyCallEventUseCase } from './ingest/apply-call-event.use-case';
import { ApplyCampaignEventUseCase } from './ingest/apply-campaign-event.use-case';
import { RecordInboundRejectionUseCase } from './ingest/record-inbound-rejection.use-case';
import { ReportingConsumers } from './ingest/reporting-consumers';
import { ExportInboundRejectionsUseCase } from './inbound-rejections/export-inbound-rejections.use-case';
import { ListInboundRejectionsUseCase } from './inbound-rejections/list-inbound-rejections.use-case';
import { AbandonMinutesUseCase } from './kpis/abandon-minutes.use-case';
import { AbandonWindowsUseCase } from './kpis/abandon-windows.use-case';
import { AgentStateTimesUseCase } from './kpis/agent-state-times.use-case';
import { CompareManualUseCase } from './kpis/compare-manual.use-case';
import { DialRefusalsUseCase } from './kpis/dial-refusals.use-case';
import { ExportKpisCsvUseCase } from './kpis/export-kpis-csv.use-case';
import { QueryKpisUseCase } from './kpis/query-kpis.use-case';
import { ReportingMetrics } from './metrics/reporting-metrics';
import { ExportCallRecordsUseCase } from './records/export-call-records.use-case';
import { ListCallRecordsUseCase } from './records/list-call-records.use-case';
import { ReportingRpcHandlers } from './rpc/reporting-rpc.handlers';

export const SERVICE_OPTIONS: ServiceKitOptions = { service: 'reporting', database: REPORTING_DATABASE };

@Module({
  imports: [ServiceKitModule.forRoot(SERVICE_OPTIONS)],
  providers: [
    { provide: REPORTING_SERVICE_CONFIG, useFactory: () => loadReportingServiceConfig() },
    PrismaService,
    ReportingDatabase,
    ReportingMetrics,
    ApplyCallEventUseCase,
    ApplyAgentStateUseCase,
    ApplyCampaignEventUseCase,
    RecordInboundRejectionUseCase,
    ListCallRecordsUseCase,
    ExportCallRecordsUseCase,
    QueryKpisUseCase,
    ExportKpisCsvUseCase,
    CompareManualUseCase,
    AbandonWindowsUseCase,
    AgentStateTimesUseCase,
    DialRefusalsUseCase,
    AbandonMinutesUseCase,
    ListInboundRejectionsUseCase,
    ExportInboundRejectionsUseCase,
    ReportingRpcHandlers,
    ReportingConsumers,
  ],
})
export class AppModule {}
