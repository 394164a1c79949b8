import { Controller, ForbiddenException, Get, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { HealthService } from '@autotelesale/service-kit';
import { CallDriverService } from '../calls/call-driver.service';
import { CampaignSupervisorService } from '../campaigns/campaign-supervisor.service';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export interface DrainProgress {
  draining: boolean;
  /** Customer legs this replica still drives; the preStop hook waits for 0. */
  liveCalls: number;
  /** Campaigns this replica still owns (0 once the drain has handed them over). */
  campaigns: number;
}

/**
 * The drain the Helm chart's preStop hook drives (deploy/helm/autotelesale, `dialer.drain`):
 * POST starts it (no new calls or previews, campaigns handed over at once so another
 * replica takes them, live calls go on), GET reports progress until `liveCalls` is 0.
 * The readiness probe fails from the POST on. Only the pod itself may start a drain: a
 * POST from anywhere but loopback is refused (the hook runs inside the container).
 */
@Controller('drain')
export class DrainController {
  constructor(
    private readonly supervisor: CampaignSupervisorService,
    private readonly calls: CallDriverService,
    health: HealthService,
  ) {
    // Not ready while draining: no new traffic is routed to a replica that is leaving.
    health.register('dialer:accepting', async () =>
      supervisor.isDraining ? { ok: false, detail: `draining, ${calls.size} live call(s)` } : { ok: true },
    );
  }

  @Post()
  @HttpCode(202)
  start(@Req() request: Request): DrainProgress {
    if (!LOOPBACK.has(request.socket.remoteAddress ?? ''))
      throw new ForbiddenException('a drain is started from inside the pod (loopback) only');
    void this.supervisor.startDrain();
    return this.progress();
  }

  @Get()
  progress(): DrainProgress {
    return {
      draining: this.supervisor.isDraining,
      liveCalls: this.calls.size,
      campaigns: this.supervisor.ownedCampaigns().length,
    };
  }
}
