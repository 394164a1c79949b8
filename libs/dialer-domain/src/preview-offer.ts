import { DialerError } from './dialer-error';

/**
 * Preview mode: a contact shown to one reserved agent for the campaign's preview time,
 * as a pure reducer. The agent accepts (dial now) or skips (the contact goes back to the
 * queue, never lost); when the time runs out, `onTimeout` decides. Exactly one decision
 * is ever taken: whatever comes after it (a late click, a second timer) changes nothing.
 *
 *   offered -accept-> dial
 *          \-skip-> skipped
 *          \-expire-> dial | skipped (onTimeout)
 */
export type PreviewTimeoutAction = 'dial' | 'skip';
export type PreviewDecision = 'dial' | 'skip';
export type PreviewDecidedBy = 'agent' | 'timeout' | 'system';

export interface PreviewOffer {
  readonly previewId: string;
  readonly agentId: string;
  readonly offeredAt: number;
  readonly expiresAt: number;
  readonly onTimeout: PreviewTimeoutAction;
  readonly decision: PreviewDecision | null;
  readonly decidedBy: PreviewDecidedBy | null;
  readonly decidedAt: number | null;
}

export type PreviewInput =
  | { type: 'accept'; at: number; agentId: string }
  | { type: 'skip'; at: number; agentId: string }
  | { type: 'tick'; at: number }
  /** The dialer stops (drain) or the agent's leg is gone: the contact goes back. */
  | { type: 'cancel'; at: number };

export function offerPreview(input: {
  previewId: string;
  agentId: string;
  at: number;
  previewSeconds: number;
  onTimeout: PreviewTimeoutAction;
}): PreviewOffer {
  if (!(input.previewSeconds >= 0))
    throw new DialerError('DIALER_INVALID_ARGUMENT', 'previewSeconds must be non-negative', {
      previewSeconds: input.previewSeconds,
    });
  return {
    previewId: input.previewId,
    agentId: input.agentId,
    offeredAt: input.at,
    expiresAt: input.at + input.previewSeconds * 1000,
    onTimeout: input.onTimeout,
    decision: null,
    decidedBy: null,
    decidedAt: null,
  };
}

/**
 * Applies one input. `changed` is true only for the input that took the decision, so the
 * caller runs its effect (dial, or give the contact back) exactly once. An accept or skip
 * by another agent than the one offered is refused (`DIALER_NOT_YOUR_PREVIEW`).
 */
export function decidePreview(
  offer: PreviewOffer,
  input: PreviewInput,
): { offer: PreviewOffer; changed: boolean } {
  if (offer.decision !== null) return { offer, changed: false };
  const decide = (decision: PreviewDecision, by: PreviewDecidedBy) => ({
    offer: { ...offer, decision, decidedBy: by, decidedAt: input.at },
    changed: true,
  });
  switch (input.type) {
    case 'accept':
    case 'skip':
      if (input.agentId !== offer.agentId)
        throw new DialerError('DIALER_NOT_YOUR_PREVIEW', 'this preview is offered to another agent', {
          previewId: offer.previewId,
        });
      return decide(input.type === 'accept' ? 'dial' : 'skip', 'agent');
    case 'tick':
      if (input.at < offer.expiresAt) return { offer, changed: false };
      return decide(offer.onTimeout, 'timeout');
    case 'cancel':
      return decide('skip', 'system');
  }
}
