import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { Msg, Subscription } from '@nats-io/transport-node';
import type { z } from 'zod';
import {
  AtsError,
  campaignRpcs,
  dialerAgentRpcs,
  rpcError,
  rpcOk,
  validationError,
  type RpcDefinition,
} from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import type { AgentDrivenRunner } from '../campaigns/agent-driven-runner';
import { refusal } from '../campaigns/agent-driven-runner';
import { CampaignSupervisorService } from '../campaigns/campaign-supervisor.service';
import { DIALER_SERVICE_CONFIG, type DialerServiceConfig } from '../config/dialer-service.config';

/** A request not for us: another replica owns the campaign and answers it. */
const SILENT = Symbol('silent');

/**
 * The agents' actions on manual and preview campaigns (`dialerAgentRpcs`). Every replica
 * receives each request (a queue of its own): the replica that owns the campaign acts;
 * the others stay silent while an owner is alive, and when nobody owns the campaign any
 * of them says why (not running, wrong mode, or being handed over: retry).
 */
@Injectable()
export class DialerAgentRpcHandlers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DialerAgentRpcHandlers.name);
  private readonly subscriptions: Subscription[] = [];

  constructor(
    @Inject(DIALER_SERVICE_CONFIG) private readonly config: DialerServiceConfig,
    private readonly bus: NatsBus,
    private readonly supervisor: CampaignSupervisorService,
  ) {}

  onApplicationBootstrap(): void {
    this.serveOwned(dialerAgentRpcs.manualDial, 'manual', (runner, r) =>
      runner.manualDial(r.agentId, r.contactId),
    );
    this.serveOwned(dialerAgentRpcs.acceptPreview, 'preview', (runner, r) =>
      runner.acceptPreview(r.previewId, r.agentId),
    );
    this.serveOwned(dialerAgentRpcs.skipPreview, 'preview', (runner, r) =>
      runner.skipPreview(r.previewId, r.agentId),
    );
  }

  onModuleDestroy(): void {
    for (const s of this.subscriptions) s.unsubscribe();
  }

  private serveOwned<TReq extends z.ZodType<{ campaignId: string }>, TRes extends z.ZodType>(
    rpc: RpcDefinition<TReq, TRes>,
    mode: 'manual' | 'preview',
    act: (runner: AgentDrivenRunner, request: z.output<TReq>) => Promise<z.input<TRes>>,
  ): void {
    const subject = this.bus.topology.rpc.subject(rpc);
    this.subscriptions.push(
      this.bus.nc.subscribe(subject, {
        queue: this.bus.topology.rpc.instanceQueue('dialer', this.config.dialerId),
        callback: (err, msg) => {
          if (err) return this.logger.warn({ msg: 'subscription error', subject, error: String(err) });
          void this.answer(msg, rpc, mode, act);
        },
      }),
    );
  }

  private async answer<TReq extends z.ZodType<{ campaignId: string }>, TRes extends z.ZodType>(
    msg: Msg,
    rpc: RpcDefinition<TReq, TRes>,
    mode: 'manual' | 'preview',
    act: (runner: AgentDrivenRunner, request: z.output<TReq>) => Promise<z.input<TRes>>,
  ): Promise<void> {
    const respond = (body: unknown) => {
      if (msg.reply) msg.respond(new TextEncoder().encode(JSON.stringify(body)));
    };
    let raw: unknown;
    try {
      raw = msg.data.length === 0 ? {} : JSON.parse(new TextDecoder().decode(msg.data));
    } catch {
      return respond(rpcError(new AtsError('VALIDATION_FAILED', `${rpc.name}: request is not JSON`)));
    }
    const parsed = rpc.request.safeParse(raw);
    if (!parsed.success) return respond(rpcError(validationError(`${rpc.name} request`, parsed.error)));
    try {
      const runner = this.supervisor.agentRunner(parsed.data.campaignId);
      const result = runner
        ? await act(runner, parsed.data)
        : await this.notOwnedHere(parsed.data.campaignId, mode);
      if (result === SILENT) return;
      const reply = rpc.reply.safeParse(result);
      if (!reply.success) {
        this.logger.error({ msg: 'invalid reply built', rpc: rpc.name, error: String(reply.error) });
        return respond(rpcError(new AtsError('INTERNAL', `${rpc.name}: the service built an invalid reply`)));
      }
      respond(rpcOk(reply.data));
    } catch (error) {
      if (error instanceof AtsError) return respond(rpcError(error));
      this.logger.error({ msg: 'agent action failed', rpc: rpc.name, error: String(error) });
      respond(rpcError(new AtsError('INTERNAL', `${rpc.name} failed`)));
    }
  }

  /** This replica has no runner for the campaign: silent if another owns it, else say why. */
  private async notOwnedHere(campaignId: string, mode: 'manual' | 'preview'): Promise<typeof SILENT> {
    const owner = await this.supervisor.ownerOf(campaignId);
    if (owner !== undefined && owner !== this.config.dialerId) return SILENT;
    const campaign = await this.bus.request(campaignRpcs.getCampaign, { campaignId });
    if (campaign.status !== 'running') throw refusal('CAMPAIGN_NOT_RUNNING', 'the campaign is not running');
    if (campaign.mode !== mode)
      throw refusal(
        mode === 'manual' ? 'CAMPAIGN_NOT_MANUAL' : 'CAMPAIGN_NOT_PREVIEW',
        `the campaign is not in ${mode} mode`,
      );
    if (this.supervisor.isDraining) throw refusal('DIALER_DRAINING', 'this dialer is draining: retry');
    throw new AtsError('UNAVAILABLE', 'the campaign is being handed to a dialer: retry in a moment');
  }
}
