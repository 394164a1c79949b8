import { z } from 'zod';
import {
  dialerAgentRpcs,
  type ManualDialReply,
  type PreviewActionRequest,
  type RpcDefinition,
} from '@autotelesale/contracts';
import type { NatsBus } from '@autotelesale/messaging';
import { requireAgentAccess } from '../auth/access.util';
import type { Principal } from '../auth/principal';
import { BoundaryValidationError } from '../http/ats-exception.filter';
import { boundary } from '../http/boundary.util';

type PreviewAcceptReply = z.output<typeof dialerAgentRpcs.acceptPreview.reply>;
type PreviewSkipReply = z.output<typeof dialerAgentRpcs.skipPreview.reply>;

/** Who acts (REST: the path; gRPC: the message). */
export const DialingAgentIds = z.object({ agentId: z.uuid() }).strict();
/** Who acts, on which preview (REST: the path; gRPC: the message). */
export const PreviewIds = DialingAgentIds.extend({ previewId: z.uuid() }).strict();
/** What a preview decision names (REST: the body; gRPC: the message). */
export const PreviewDecisionFields = z.object({ campaignId: z.uuid() }).strict();
/** `contactId`: dial this contact of the campaign (click-to-call) instead of the next one. */
export const ManualDialFields = PreviewDecisionFields.extend({ contactId: z.uuid().optional() }).strict();

/**
 * An agent's dialing on manual and preview campaigns, the one use case behind both the
 * REST routes (`AgentDialingController`) and the gRPC methods (`AgentService/ManualDial`,
 * `AcceptPreview`, `SkipPreview`), so the two faces check the same things in the same
 * order: the ids' shape, then whose they are (an agent names only itself: any other agent
 * id is NOT_FOUND, before anything else about the request is told), then the fields;
 * then the dialer that owns the campaign answers (typed refusals travel back as they are).
 */
export class AgentDialingUseCase {
  constructor(private readonly bus: NatsBus) {}

  /** Manual: reserve the agent, lease the next contact (or `contactId`) for them, dial it. */
  async manualDial(principal: Principal, ids: unknown, fields: unknown): Promise<ManualDialReply> {
    const { agentId } = this.authorize(principal, DialingAgentIds, ids);
    return this.bus.request(dialerAgentRpcs.manualDial, {
      agentId,
      ...validated(ManualDialFields, fields, 'manual dial'),
    });
  }

  /** Preview: dial the contact shown now. */
  async acceptPreview(principal: Principal, ids: unknown, fields: unknown): Promise<PreviewAcceptReply> {
    return this.decidePreview(dialerAgentRpcs.acceptPreview, principal, ids, fields);
  }

  /** Preview: not this contact now; it gets a `skipped` outcome and comes back per the campaign's rules. */
  async skipPreview(principal: Principal, ids: unknown, fields: unknown): Promise<PreviewSkipReply> {
    return this.decidePreview(dialerAgentRpcs.skipPreview, principal, ids, fields);
  }

  private async decidePreview<TRes extends z.ZodType>(
    rpc: RpcDefinition<typeof PreviewActionRequest, TRes>,
    principal: Principal,
    ids: unknown,
    fields: unknown,
  ): Promise<z.output<TRes>> {
    const target = this.authorize(principal, PreviewIds, ids);
    return this.bus.request(rpc, {
      ...target,
      ...validated(PreviewDecisionFields, fields, 'preview decision'),
    });
  }

  private authorize<S extends typeof DialingAgentIds | typeof PreviewIds>(
    principal: Principal,
    schema: S,
    ids: unknown,
  ): z.output<S> {
    const checked = validated(schema, ids, 'agent dialing target') as z.output<S>;
    requireAgentAccess(principal, [checked.agentId]);
    return checked;
  }
}

/**
 * The boundary check (a 400 / INVALID_ARGUMENT with one detail per issue), its message
 * naming the bad fields too: a gRPC client sees the message first, the details only in
 * trailing metadata.
 */
function validated<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  try {
    return boundary(schema, input ?? {}, `${what} request`);
  } catch (error) {
    if (!(error instanceof BoundaryValidationError)) throw error;
    const issues = (error.details as { path: string; message: string }[] | undefined) ?? [];
    const named = issues.map((issue) => `${issue.path || '(request)'}: ${issue.message}`).join('; ');
    throw new BoundaryValidationError(named ? `${error.message}: ${named}` : error.message, error.details);
  }
}
