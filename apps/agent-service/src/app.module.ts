import { Module } from '@nestjs/common';
import { ServiceKitModule, type ServiceKitOptions } from '@autotelesale/service-kit';
import { AgentGroupsUseCases } from './agents/agent-groups.use-cases';
import { AgentProfilesUseCases } from './agents/agent-profiles.use-cases';
import { AGENT_SERVICE_CONFIG, loadAgentServiceConfig } from './config/agent-service.config';
import { AGENT_DATABASE } from './db/agent-db.constants';
import { AgentDatabase } from './db/agent-database';
import { PrismaService } from './db/prisma.service';
import { AgentEventRelay } from './events/agent-event-relay';
import { QueryIntervalsUseCase } from './intervals/query-intervals.use-case';
import { AgentStateMetrics } from './metrics/agent-state-metrics';
import { ReservationLifecycleUseCases } from './reservations/reservation-lifecycle.use-cases';
import { ReserveAgentUseCase } from './reservations/reserve-agent.use-case';
import { AgentRpcHandlers } from './rpc/agent-rpc.handlers';
import { AgentStatesUseCases } from './states/agent-states.use-cases';
import { AgentTransitions } from './states/agent-transitions';
import { DeadlineSweeper } from './sweeper/deadline-sweeper';

export const SERVICE_OPTIONS: ServiceKitOptions = { service: 'agent', database: AGENT_DATABASE };

@Module({
  imports: [ServiceKitModule.forRoot(SERVICE_OPTIONS)],
  providers: [
    { provide: AGENT_SERVICE_CONFIG, useFactory: () => loadAgentServiceConfig() },
    PrismaService,
    AgentEventRelay,
    AgentDatabase,
    AgentTransitions,
    DeadlineSweeper,
    AgentProfilesUseCases,
    AgentGroupsUseCases,
    AgentStatesUseCases,
    ReserveAgentUseCase,
    ReservationLifecycleUseCases,
    QueryIntervalsUseCase,
    AgentRpcHandlers,
    AgentStateMetrics,
  ],
})
export class AppModule {}
