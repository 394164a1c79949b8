import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { campaignRpcs, type Campaign } from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { renewalIntervalMs } from '@autotelesale/dialer-domain';
import { AgentLegsService } from '../agents/agent-legs.service';
import { CallDriverService } from '../calls/call-driver.service';
import { DIALER_SERVICE_CONFIG, type DialerServiceConfig } from '../config/dialer-service.config';
import { CampaignOwnershipStore } from '../ownership/campaign-ownership-store';
import { FsNodesService } from '../telephony/fs-nodes.service';
import { AgentDrivenRunner } from './agent-driven-runner';
import { CallReconciler } from './call-reconciler';
import { CampaignRunner } from './campaign-runner';
import { PACER_STATE_TTL_MS, PacerStateStore } from './pacer-state-store';
import { readAllPages } from './read-all-pages';

/** Dialed by a replica; `call-back` (missed callers, the surge attendant's numbers) rings an agent first, like progressive. */
const DIALED_MODES = new Set(['manual', 'preview', 'progressive', 'predictive', 'call-back']);
const AGENT_DRIVEN_MODES = new Set(['manual', 'preview']);

/** Paced (progressive, predictive) or driven by the agents (manual, preview). */
type Runner = CampaignRunner | AgentDrivenRunner;
const DRAIN_POLL_MS = 100;
/** Running campaigns are read this many at a time, up to MAX_CAMPAIGN_PAGES pages a pass. */
const CAMPAIGN_PAGE = 200;
const MAX_CAMPAIGN_PAGES = 50;

/**
 * Finds the running campaigns (campaign-service), claims each one it can (ownership in
 * JetStream KV, renewed on every pass at a third of the lease) and runs a CampaignRunner
 * for each it owns on one healthy node (the campaign's node: its agents' legs and its
 * customers' legs must be on the same switch to be bridged). A campaign taken over from
 * a replica whose lease lapsed is reconciled first: its calls still live on the nodes are
 * adopted and carried to their outcome. On SIGTERM: stop starting calls, hand every
 * campaign over (release), let live calls finish.
 */
@Injectable()
export class CampaignSupervisorService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(CampaignSupervisorService.name);
  private readonly runners = new Map<string, Runner>();
  private store: CampaignOwnershipStore | undefined;
  private pacerStates: PacerStateStore | undefined;
  private timer: NodeJS.Timeout | undefined;
  private passing = false;
  private draining = false;

  constructor(
    @Inject(DIALER_SERVICE_CONFIG) private readonly config: DialerServiceConfig,
    private readonly bus: NatsBus,
    private readonly nodes: FsNodesService,
    private readonly calls: CallDriverService,
    private readonly agentLegs: AgentLegsService,
    private readonly reconciler: CallReconciler,
  ) {
    nodes.onReconnected((nodeId, info) => {
      if (info.restarted) {
        // Every call and agent leg on a restarted switch is gone, with no hangup event.
        this.calls.endCallsOnNode(nodeId, 'NORMAL_TEMPORARY_FAILURE');
        this.agentLegs.forgetNode(nodeId);
        return;
      }
      const downSince = Date.now() - info.downtimeMs;
      void Promise.all([
        this.calls.reconcileNode(nodeId, downSince),
        this.agentLegs.reconcileNode(nodeId),
      ]).catch((error: unknown) =>
        this.logger.error({ msg: 'reconciling after a cut failed', node: nodeId, error: String(error) }),
      );
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.store = new CampaignOwnershipStore(
      await this.bus.kv(this.bus.topology.kv.campaignOwnership),
      this.config.dialerId,
      this.config.ownershipLeaseMs,
    );
    this.pacerStates = new PacerStateStore(
      await this.bus.kv(this.bus.topology.kv.pacerStates, { ttlMs: PACER_STATE_TTL_MS }),
      this.config.dialerId,
    );
    const every = Math.min(1_000, renewalIntervalMs(this.config.ownershipLeaseMs));
    this.timer = setInterval(() => void this.pass(), every);
  }

  ownedCampaigns(): Array<{ campaignId: string; nodeId: string; dialed: number }> {
    return [...this.runners.values()].map((r) => ({
      campaignId: r.campaign.id,
      nodeId: r.nodeId,
      dialed: r.counters.dialed,
    }));
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** The manual or preview runner of a campaign this replica owns (agent actions go there). */
  agentRunner(campaignId: string): AgentDrivenRunner | undefined {
    const runner = this.runners.get(campaignId);
    return runner instanceof AgentDrivenRunner ? runner : undefined;
  }

  /** Who owns the campaign, as the ownership KV says (undefined: nobody, or lapsed). */
  async ownerOf(campaignId: string): Promise<string | undefined> {
    const record = await this.store?.ownerOf(campaignId);
    return record && record.expiresAt > Date.now() ? record.dialerId : undefined;
  }

  /** One pass: claim or renew every running campaign, start and stop runners to match. */
  async pass(): Promise<void> {
    if (this.passing || this.draining || !this.store) return;
    this.passing = true;
    try {
      const { campaigns, complete } = await this.runningCampaigns();
      const running = new Map(campaigns.map((c) => [c.id, c]));
      // Only a complete list says a campaign stopped running.
      for (const [id, runner] of complete ? this.runners : []) {
        if (!running.has(id)) await this.giveUp(id, runner, 'campaign no longer running');
      }
      for (const campaign of running.values()) await this.claim(campaign);
    } catch (error) {
      this.logger.warn({ msg: 'campaign pass failed', error: String(error) });
    } finally {
      this.passing = false;
    }
  }

  /** Every running campaign with a dialed mode, page by page (a pass must see them all). */
  private async runningCampaigns(): Promise<{ campaigns: Campaign[]; complete: boolean }> {
    const { items, complete } = await readAllPages(
      (cursor) =>
        this.bus.request(campaignRpcs.listCampaigns, {
          status: ['running'],
          limit: CAMPAIGN_PAGE,
          ...(cursor ? { cursor } : {}),
        }),
      MAX_CAMPAIGN_PAGES,
    );
    // Beyond MAX_CAMPAIGN_PAGES x CAMPAIGN_PAGE running: say so; `complete` keeps ours running.
    if (!complete)
      this.logger.warn({ msg: 'running campaigns beyond what one pass reads', read: items.length });
    return { campaigns: items.filter((c) => DIALED_MODES.has(c.mode)), complete };
  }

  private async claim(campaign: Campaign): Promise<void> {
    const runner = this.runners.get(campaign.id);
    const result = await this.store!.claim(campaign.id);
    if (!result.owned) {
      if (runner) {
        this.logger.warn({ msg: 'campaign taken by another replica', campaignId: campaign.id });
        await runner.stop();
        this.runners.delete(campaign.id);
      }
      return;
    }
    if (runner && AGENT_DRIVEN_MODES.has(campaign.mode) !== runner instanceof AgentDrivenRunner) {
      // The mode changed between paced and agent-driven: the other kind of runner goes on.
      await this.stopOwned(runner);
      this.runners.delete(campaign.id);
      this.startRunner(campaign, runner.nodeId, false);
      return;
    }
    if (runner) {
      runner.campaign = campaign;
      if (this.nodes.healthyNodeIds().includes(runner.nodeId)) return;
      // The campaign's switch is gone: go on from another one (live calls there end as the
      // node reports, or when it comes back restarted).
      const other = this.nodeForNewCampaign();
      if (!other) return;
      await this.stopOwned(runner);
      this.runners.delete(campaign.id);
      this.startRunner(campaign, other, false);
      return;
    }
    let adoptedNode: string | undefined;
    if (result.previousOwner)
      adoptedNode = await this.reconciler
        .adopt(campaign, result.previousOwner, result.previousSince ?? Date.now() - 3_600_000)
        .catch((error: unknown) => {
          this.logger.error({ msg: 'reconciliation failed', campaignId: campaign.id, error: String(error) });
          return undefined;
        });
    const nodeId = adoptedNode ?? this.nodeForNewCampaign();
    if (!nodeId) {
      await this.store!.release(campaign.id);
      return;
    }
    this.startRunner(campaign, nodeId, !!result.previousOwner);
  }

  private startRunner(campaign: Campaign, nodeId: string, takenOver: boolean): void {
    const deps = {
      bus: this.bus,
      calls: this.calls,
      agentLegs: this.agentLegs,
      dialerId: this.config.dialerId,
      logger: this.logger,
      tickMs: 200,
      ...(this.pacerStates ? { pacerStates: this.pacerStates } : {}),
    };
    const fresh = AGENT_DRIVEN_MODES.has(campaign.mode)
      ? new AgentDrivenRunner(campaign, nodeId, deps)
      : new CampaignRunner(campaign, nodeId, deps);
    this.runners.set(campaign.id, fresh);
    fresh.start();
    this.logger.log({ msg: 'pacing campaign', campaignId: campaign.id, node: nodeId, takenOver });
  }

  /** Stops a runner of a campaign still ours: a paced one leaves its learned pace to the next runner. */
  private async stopOwned(runner: Runner): Promise<void> {
    if (runner instanceof CampaignRunner) await runner.stop({ handOver: true });
    else await runner.stop();
  }

  private async giveUp(campaignId: string, runner: Runner, why: string): Promise<void> {
    await this.stopOwned(runner);
    this.runners.delete(campaignId);
    await this.store!.release(campaignId);
    this.logger.log({ msg: 'stopped pacing campaign', campaignId, why });
  }

  /** The healthy node with the fewest campaigns of ours. */
  private nodeForNewCampaign(): string | undefined {
    const healthy = this.nodes.healthyNodeIds();
    let best: string | undefined;
    let load = Infinity;
    for (const id of healthy) {
      const n = [...this.runners.values()].filter((r) => r.nodeId === id).length;
      if (n < load) {
        best = id;
        load = n;
      }
    }
    return best;
  }

  /**
   * The start of a drain (POST /drain, or SIGTERM): no new calls, no new previews (those
   * shown give their contact back), campaigns handed over at once so another replica
   * takes them; live calls go on to their outcome. Idempotent: a second call waits for
   * the first.
   */
  startDrain(): Promise<void> {
    this.handingOver ??= this.handOver();
    return this.handingOver;
  }

  private handingOver: Promise<void> | undefined;

  private async handOver(): Promise<void> {
    this.draining = true;
    if (this.timer) clearInterval(this.timer);
    while (this.passing) await new Promise((r) => setTimeout(r, 10));
    for (const [id, runner] of [...this.runners]) await this.giveUp(id, runner, 'draining');
  }

  /**
   * SIGTERM: the drain (above), then wait for the live calls to end (at most
   * ATS_DIALER_DRAIN_TIMEOUT_MS), then hang the agents' legs up.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.startDrain();
    const deadline = Date.now() + this.config.drainTimeoutMs;
    while (this.calls.size > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
    if (this.calls.size > 0)
      this.logger.warn({ msg: 'calls still live at the end of the drain', calls: this.calls.size });
    // The agents of the calls that ended are given back before the process goes.
    await this.calls.reportsSent();
    await this.agentLegs.hangUpAll();
  }
}
