import { parseFsNodes } from '@autotelesale/dialer-domain';
import { startFsSimProcess, type FsSimProcess, type FsSimProcessOptions } from '@autotelesale/testing';

/**
 * Which telephony the end-to-end suite drives. Unset (here, and in ci.yml): fs-sim, started
 * per spec. `ATS_E2E_FS_NODES=fs1=127.0.0.1:8021:<password>` (same format as the dialer's
 * ATS_FS_NODES): real FreeSWITCH nodes already running with deploy/freeswitch/conf, the
 * carrier and agents played by sipp (.github/workflows/freeswitch-e2e.yml).
 *
 * A spec opts in by starting its switch with `startSwitchUnderTest` instead of
 * `startFsSimProcess`, by choosing customers from CUSTOMER_BEHAVIOURS and agents from
 * AGENT_SEATS (dialer-fixtures.ts), by sizing its waits with `switchMs`, and by putting what
 * needs fs-sim's control API (cut ESL, restart a node, hang up on command) under
 * `describeFsSimOnly` / `itFsSimOnly`.
 */
export const EXTERNAL_FS_NODES = process.env['ATS_E2E_FS_NODES']?.trim() || undefined;

/** The time scale the converted specs run fs-sim at: 15 s of a customer's talk is 1.5 s of wall time. */
export const FS_SIM_TIME_SCALE = 0.1;

/**
 * A wait (or a test's timeout) sized for fs-sim at FS_SIM_TIME_SCALE, stretched by
 * 1 / FS_SIM_TIME_SCALE when the switch is external: FreeSWITCH and its sipp customers run
 * in real time.
 */
export function switchMs(fsSimMs: number): number {
  return EXTERNAL_FS_NODES ? Math.round(fsSimMs / FS_SIM_TIME_SCALE) : fsSimMs;
}

export interface SwitchUnderTest {
  /** For ATS_FS_NODES. */
  nodesEnv: string;
  /** Real FreeSWITCH: no control API, real time (no time scale), the customers are sipp's. */
  external: boolean;
  /** fs-sim when it is fs-sim. */
  fsSim: FsSimProcess | undefined;
  stop(): Promise<void>;
}

export async function startSwitchUnderTest(fsSimOptions: FsSimProcessOptions): Promise<SwitchUnderTest> {
  if (EXTERNAL_FS_NODES) {
    parseFsNodes(EXTERNAL_FS_NODES); // a typo fails here, not as a dialer that never gets ready
    return { nodesEnv: EXTERNAL_FS_NODES, external: true, fsSim: undefined, stop: async () => undefined };
  }
  const fsSim = await startFsSimProcess(fsSimOptions);
  return { nodesEnv: fsSim.nodesEnv, external: false, fsSim, stop: () => fsSim.stop() };
}

/** fs-sim's process, for a part that runs only on fs-sim (under describeFsSimOnly / itFsSimOnly). */
export function fsSimOf(sw: SwitchUnderTest): FsSimProcess {
  if (!sw.fsSim)
    throw new Error('this part needs fs-sim (its control API); it runs only without ATS_E2E_FS_NODES');
  return sw.fsSim;
}

/** Specs that need fs-sim's control API; skipped against real FreeSWITCH. */
export const describeFsSimOnly: jest.Describe = EXTERNAL_FS_NODES ? describe.skip : describe;
/** Tests that need fs-sim's control API; skipped against real FreeSWITCH. */
export const itFsSimOnly: jest.It = EXTERNAL_FS_NODES ? it.skip : it;
/** Specs that need real FreeSWITCH; skipped here. */
export const describeFreeswitchOnly: jest.Describe = EXTERNAL_FS_NODES ? describe : describe.skip;
