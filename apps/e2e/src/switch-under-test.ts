import { parseFsNodes } from '@autotelesale/dialer-domain';
import { startFsSimProcess, type FsSimProcess, type FsSimProcessOptions } from '@autotelesale/testing';

/**
 * Which telephony the end-to-end suite drives. Unset (here, and in ci.yml): fs-sim, started
 * per spec. `ATS_E2E_FS_NODES=fs1=127.0.0.1:8021:<password>` (same format as the dialer's
 * ATS_FS_NODES): real FreeSWITCH nodes already running with deploy/freeswitch/conf, the
 * carrier and agents played by sipp (.github/workflows/freeswitch-e2e.yml).
 *
 * A spec opts in by starting its switch with `startSwitchUnderTest` instead of
 * `startFsSimProcess`, and by putting what needs fs-sim's control API (cut ESL, restart a
 * node, answer on command) under `describeFsSimOnly`.
 */
export const EXTERNAL_FS_NODES = process.env['ATS_E2E_FS_NODES']?.trim() || undefined;

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

/** Specs that need fs-sim's control API; skipped against real FreeSWITCH. */
export const describeFsSimOnly: jest.Describe = EXTERNAL_FS_NODES ? describe.skip : describe;
/** Specs that need real FreeSWITCH; skipped here. */
export const describeFreeswitchOnly: jest.Describe = EXTERNAL_FS_NODES ? describe : describe.skip;
