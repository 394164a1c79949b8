// e2e is the one project allowed to import apps (it starts them side by side), through
// their `@autotelesale/<app>` aliases; the boundary rule checks the tags.
import { AppModule as AgentModule, SERVICE_OPTIONS as AGENT } from '@autotelesale/agent-service';
import { AppModule as CampaignModule, SERVICE_OPTIONS as CAMPAIGN } from '@autotelesale/campaign-service';
import { AppModule as DialerModule, SERVICE_OPTIONS as DIALER } from '@autotelesale/dialer-service';
import { AppModule as GatewayModule, SERVICE_OPTIONS as GATEWAY } from '@autotelesale/gateway';
import { AppModule as ReportingModule, SERVICE_OPTIONS as REPORTING } from '@autotelesale/reporting-service';
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
