import { z } from 'zod';
import { defineRpc } from '../rpc';

/**
 * What one dialer replica is doing (`<ns>.rpc.dialer.dialer.status`, answered by every
 * replica of the queue group: ask repeatedly, or read `dialerId` to know which one
 * answered). For operators and tests; the wallboard reads the call events instead.
 */
export const DialerStatus = z.object({
  dialerId: z.string().min(1).max(100),
  /** SIGTERM received: no new calls, campaigns handed over, live calls finishing. */
  draining: z.boolean(),
  nodes: z.array(
    z.object({
      id: z.string().min(1).max(32),
      /** Connected and not benched: new calls may go there. */
      healthy: z.boolean(),
      state: z.string(),
      inFlight: z.number().int().nonnegative(),
    }),
  ),
  campaigns: z.array(
    z.object({
      campaignId: z.uuid(),
      /** The switch this campaign's calls and its agents' legs are on. */
      nodeId: z.string(),
      dialed: z.number().int().nonnegative(),
      liveCalls: z.number().int().nonnegative(),
      /**
       * Predictive: the agents held reserved ahead of the answers now, and since the
       * campaign started here, the answers bridged from one at once (`taken`) of those
       * that could (`answers`). Absent when the campaign keeps none.
       */
      standby: z
        .object({
          held: z.number().int().nonnegative(),
          taken: z.number().int().nonnegative(),
          answers: z.number().int().nonnegative(),
        })
        .optional(),
    }),
  ),
  liveCalls: z.number().int().nonnegative(),
});
export type DialerStatus = z.infer<typeof DialerStatus>;

export const dialerStatusRpc = defineRpc('dialer', 'dialer.status', z.object({}).strict(), DialerStatus);
