import type { CompareManualReply } from '@autotelesale/contracts';

/** The demo's `--json` file: exactly the fields the issue names. */
export interface DemoResult {
  campaign: {
    dials: number;
    liveAnswers: number;
    connects: number;
    abandons: number;
    abandonRate: number;
    occupancy: number;
    talkMinutesPerAgentHour: number;
    contactsPerAgentHour: number;
  };
  manual: { talkMinutesPerAgentHour: number; contactsPerAgentHour: number };
}

/**
 * The comparison with its per-hour counts in simulated hours. fs-sim plays everything
 * `timeScale` times faster, so an agent handles 1/timeScale times more contacts per wall
 * hour than per real hour; contacts per agent-hour are scaled back (both sides alike).
 * Talk minutes per agent-hour and occupancy are ratios of two times and need nothing.
 */
export function perSimulatedHour(reply: CompareManualReply, timeScale: number): DemoResult {
  const c = reply.campaign;
  return {
    campaign: {
      dials: c.dials,
      liveAnswers: c.liveAnswers,
      connects: c.connects,
      abandons: c.abandons,
      abandonRate: c.abandonRate,
      occupancy: c.occupancy,
      talkMinutesPerAgentHour: c.talkMinutesPerAgentHour,
      contactsPerAgentHour: c.contactsPerAgentHour * timeScale,
    },
    manual: {
      talkMinutesPerAgentHour: reply.manual.talkMinutesPerAgentHour,
      contactsPerAgentHour: reply.manual.contactsPerAgentHour * timeScale,
    },
  };
}
