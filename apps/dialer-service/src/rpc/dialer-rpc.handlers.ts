import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { dialerStatusRpc, type DialerStatus } from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { CallDriverService } from '../calls/call-driver.service';
import { CampaignSupervisorService } from '../campaigns/campaign-supervisor.service';
import { FsNodesService } from '../telephony/fs-nodes.service';

/** The dialer's NATS operations: thin adapters over the services that hold the state. */
@Injectable()
export class DialerRpcHandlers implements OnApplicationBootstrap {
  constructor(
    private readonly bus: NatsBus,
    private readonly nodes: FsNodesService,
    private readonly supervisor: CampaignSupervisorService,
    private readonly calls: CallDriverService,
  ) {}

  onApplicationBootstrap(): void {
    this.bus.serve(dialerStatusRpc, async () => this.status());
  }

  status(): DialerStatus {
    return {
      dialerId: this.nodes.dialerId,
      draining: this.supervisor.isDraining,
      nodes: this.nodes
        .health()
        .map((h) => ({ id: h.id, healthy: h.healthy, state: h.state, inFlight: h.inFlight })),
      campaigns: this.supervisor.ownedCampaigns().map((c) => {
        const pool = this.calls.standbyOf(c.campaignId);
        return {
          ...c,
          liveCalls: this.calls.liveCalls(c.campaignId).length,
          ...(pool
            ? {
                standby: {
                  held: pool.size,
                  taken: pool.counters.taken,
                  answers: pool.counters.taken + pool.counters.missed,
                },
              }
            : {}),
        };
      }),
      liveCalls: this.calls.size,
    };
  }
}
