import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from '@nats-io/transport-node';
import {
  abandonMinutesRpc,
  abandonWindowsRpc,
  agentStateTimesRpc,
  compareManualRpc,
  dialRefusalsRpc,
  exportCallRecordsRpc,
  exportInboundRejectionsRpc,
  exportKpisCsvRpc,
  listCallRecordsRpc,
  listInboundRejectionsRpc,
  queryKpisRpc,
  type RpcDefinition,
} from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import type { z } from 'zod';
import { ExportInboundRejectionsUseCase } from '../inbound-rejections/export-inbound-rejections.use-case';
import { ListInboundRejectionsUseCase } from '../inbound-rejections/list-inbound-rejections.use-case';
import { AbandonMinutesUseCase } from '../kpis/abandon-minutes.use-case';
import { AbandonWindowsUseCase } from '../kpis/abandon-windows.use-case';
import { AgentStateTimesUseCase } from '../kpis/agent-state-times.use-case';
import { CompareManualUseCase } from '../kpis/compare-manual.use-case';
import { DialRefusalsUseCase } from '../kpis/dial-refusals.use-case';
import { ExportKpisCsvUseCase } from '../kpis/export-kpis-csv.use-case';
import { QueryKpisUseCase } from '../kpis/query-kpis.use-case';
import { ExportCallRecordsUseCase } from '../records/export-call-records.use-case';
import { ListCallRecordsUseCase } from '../records/list-call-records.use-case';
import { toAtsError } from './to-ats-error';

/** The NATS adapter of reporting-service: validates (the bus does), calls one use case, maps errors. */
@Injectable()
export class ReportingRpcHandlers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly bus: NatsBus,
    private readonly listCalls: ListCallRecordsUseCase,
    private readonly exportCalls: ExportCallRecordsUseCase,
    private readonly kpis: QueryKpisUseCase,
    private readonly exportKpis: ExportKpisCsvUseCase,
    private readonly compareManual: CompareManualUseCase,
    private readonly abandonWindows: AbandonWindowsUseCase,
    private readonly agentStateTimes: AgentStateTimesUseCase,
    private readonly dialRefusals: DialRefusalsUseCase,
    private readonly abandonMinutes: AbandonMinutesUseCase,
    private readonly listInboundRejections: ListInboundRejectionsUseCase,
    private readonly exportInboundRejections: ExportInboundRejectionsUseCase,
  ) {}

  onApplicationBootstrap(): void {
    this.serve(listCallRecordsRpc, (r) => this.listCalls.execute(r));
    this.serve(exportCallRecordsRpc, (r) => this.exportCalls.execute(r));
    this.serve(queryKpisRpc, (r) => this.kpis.execute(r));
    this.serve(exportKpisCsvRpc, (r) => this.exportKpis.execute(r));
    this.serve(compareManualRpc, (r) => this.compareManual.execute(r));
    this.serve(abandonWindowsRpc, (r) => this.abandonWindows.execute(r));
    this.serve(agentStateTimesRpc, (r) => this.agentStateTimes.execute(r));
    this.serve(dialRefusalsRpc, (r) => this.dialRefusals.execute(r));
    this.serve(abandonMinutesRpc, (r) => this.abandonMinutes.execute(r));
    this.serve(listInboundRejectionsRpc, (r) => this.listInboundRejections.execute(r));
    this.serve(exportInboundRejectionsRpc, (r) => this.exportInboundRejections.execute(r));
  }

  onModuleDestroy(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.unsubscribe();
  }

  private serve<TReq extends z.ZodType, TRes extends z.ZodType>(
    rpc: RpcDefinition<TReq, TRes>,
    handler: (request: z.output<TReq>) => Promise<z.input<TRes>>,
  ): void {
    this.subscriptions.push(
      this.bus.serve(rpc, async (request) => {
        try {
          return await handler(request);
        } catch (error) {
          throw toAtsError(error);
        }
      }),
    );
  }
}
