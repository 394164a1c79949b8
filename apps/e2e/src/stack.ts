// e2e is the one project that imports apps (it starts them side by side); the boundary
// rule knows apps only by npm scope, so these imports say so explicitly.
/* eslint-disable @nx/enforce-module-boundaries */
import { AppModule as AgentModule, SERVICE_OPTIONS as AGENT } from '../../agent-service/src/app.module';
import {
  AppModule as CampaignModule,
  SERVICE_OPTIONS as CAMPAIGN,
} from '../../campaign-service/src/app.module';
import { AppModule as DialerModule, SERVICE_OPTIONS as DIALER } from '../../dialer-service/src/app.module';
import { AppModule as GatewayModule, SERVICE_OPTIONS as GATEWAY } from '../../gateway/src/app.module';
import {
  AppModule as ReportingModule,
  SERVICE_OPTIONS as REPORTING,
} from '../../reporting-service/src/app.module';
import type { StackMember } from '@autotelesale/service-testing';

/** The services of AutoTelesale, in the order they start (the gateway last). */
export const SERVICES = {
  campaign: { module: CampaignModule, options: CAMPAIGN },
  agent: { module: AgentModule, options: AGENT },
  reporting: { module: ReportingModule, options: REPORTING },
  dialer: { module: DialerModule, options: DIALER },
  gateway: { module: GatewayModule, options: GATEWAY },
} satisfies Record<string, StackMember>;

export const WHOLE_STACK: StackMember[] = Object.values(SERVICES);
