/** What a campaign does when answering-machine detection says a machine answered. */
export type AmdAction = 'hangup' | 'leaveMessage' | 'passToAgent';
/** What detection reported. */
export type AmdResult = 'human' | 'machine' | 'notSure' | 'notRun';

export interface AmdDecision {
  /** `continue`: handle the call as a person (reserve and bridge an agent). */
  action: 'continue' | 'hangup' | 'playMessageThenHangup';
  /** The outcome to record when the call ends by this decision (null: the call goes on). */
  outcome: 'machine' | null;
  /** Whether a person who was in fact on the line would count as abandoned (a false positive, UK rule). */
  countsAsPossibleFalsePositive: boolean;
}

/**
 * The campaign's AMD action applied to a detection result. A person and an unsure result
 * go on to an agent (an unsure result treated as a machine would risk abandoning a
 * person); a machine is hung up on, left the campaign's message, or passed to an agent.
 * Hanging up on or playing a message to a detected machine ends the call without an
 * agent: if it was a person (a false positive) the UK regulator counts it as abandoned.
 */
export function decideAmdAction(result: AmdResult, action: AmdAction, hasMessage: boolean): AmdDecision {
  if (result !== 'machine' || action === 'passToAgent')
    return { action: 'continue', outcome: null, countsAsPossibleFalsePositive: false };
  if (action === 'leaveMessage' && hasMessage)
    return { action: 'playMessageThenHangup', outcome: 'machine', countsAsPossibleFalsePositive: true };
  return { action: 'hangup', outcome: 'machine', countsAsPossibleFalsePositive: true };
}
