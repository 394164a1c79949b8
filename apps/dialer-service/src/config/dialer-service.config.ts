import { z } from 'zod';
import { AtsError, RecordingDirectory, validationError } from '@autotelesale/contracts';
import { DialerError, parseFsNodes, type FsNodeConfig } from '@autotelesale/dialer-domain';

export const DIALER_SERVICE_CONFIG = Symbol('DIALER_SERVICE_CONFIG');

export interface DialerServiceConfig {
  /** The FreeSWITCH nodes (`ATS_FS_NODES`), each over inbound ESL. */
  nodes: FsNodeConfig[];
  /**
   * This replica's id on every leg it places (`ats_dialer_id`) and in campaign ownership:
   * must be unique among live replicas and stable across its lifetime.
   */
  dialerId: string;
  /** The gateway customer legs go out through (`sofia/gateway/<gw>/<number>`). */
  gateway: string;
  /** How long a campaign's ownership lasts unless renewed (renewed at a third). */
  ownershipLeaseMs: number;
  /** The nodes' HEARTBEAT interval: a silent node is declared dead after two (0: no watchdog). */
  heartbeatIntervalMs: number;
  /** SIGTERM: how long live calls may go on before the process exits anyway. */
  drainTimeoutMs: number;
  /**
   * Where the nodes write call recordings of campaigns that name no directory of their own
   * (`ATS_RECORDINGS_DIR`, a path on the FreeSWITCH nodes, not on this replica).
   */
  recordingsDir: string;
  /**
   * Predictive campaigns hold a few ready agents reserved ahead of their answers, so an
   * answering customer is bridged at once (`ATS_DIALER_STANDBY_AGENTS`, on by default).
   */
  standbyAgents: boolean;
  /**
   * How long confirms, releases, call ends and outcomes gather before they go in one
   * request to agent-service or campaign-service (`ATS_DIALER_REPORT_BATCH_MS`, 20).
   */
  reportBatchMs: number;
}

/** FreeSWITCH's own `recordings_dir` on a packaged install. */
export const DEFAULT_RECORDINGS_DIR = '/var/lib/freeswitch/recordings';

const Env = z.object({
  ATS_FS_NODES: z.string().optional(),
  ATS_DIALER_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/)
    .optional(),
  ATS_INSTANCE_ID: z.string().optional(),
  ATS_FS_GATEWAY: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .default('gw1'),
  ATS_DIALER_OWNERSHIP_LEASE_MS: z.coerce.number().int().min(300).max(600_000).default(15_000),
  ATS_FS_HEARTBEAT_MS: z.coerce.number().int().min(0).max(600_000).default(20_000),
  ATS_DIALER_DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(600_000),
  ATS_RECORDINGS_DIR: RecordingDirectory.default(DEFAULT_RECORDINGS_DIR),
  ATS_DIALER_STANDBY_AGENTS: z.enum(['on', 'off']).default('on'),
  ATS_DIALER_REPORT_BATCH_MS: z.coerce.number().int().min(0).max(600_000).default(20),
  /**
   * Removed: a campaign's `pacing.previewTimeoutAction` says what its undecided previews
   * become. Refused rather than ignored, so a dialer set to `skip` never starts dialing
   * previews nobody accepted.
   */
  ATS_DIALER_PREVIEW_ON_TIMEOUT: z
    .undefined({
      error: 'removed: set pacing.previewTimeoutAction (dial | skip) on each preview campaign instead',
    })
    .optional(),
});

export function loadDialerServiceConfig(env: NodeJS.ProcessEnv = process.env): DialerServiceConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) throw validationError('environment', parsed.error);
  let nodes: FsNodeConfig[];
  try {
    nodes = parseFsNodes(parsed.data.ATS_FS_NODES);
  } catch (error) {
    if (error instanceof DialerError)
      throw new AtsError('VALIDATION_FAILED', error.message, [
        { path: 'ATS_FS_NODES', message: error.message },
      ]);
    throw error;
  }
  const fallbackId = (parsed.data.ATS_INSTANCE_ID ?? `dialer-${process.pid}`).replace(
    /[^A-Za-z0-9_.-]/g,
    '-',
  );
  return {
    nodes,
    dialerId: parsed.data.ATS_DIALER_ID ?? fallbackId.slice(0, 100),
    gateway: parsed.data.ATS_FS_GATEWAY,
    ownershipLeaseMs: parsed.data.ATS_DIALER_OWNERSHIP_LEASE_MS,
    heartbeatIntervalMs: parsed.data.ATS_FS_HEARTBEAT_MS,
    drainTimeoutMs: parsed.data.ATS_DIALER_DRAIN_TIMEOUT_MS,
    recordingsDir: parsed.data.ATS_RECORDINGS_DIR,
    standbyAgents: parsed.data.ATS_DIALER_STANDBY_AGENTS === 'on',
    reportBatchMs: parsed.data.ATS_DIALER_REPORT_BATCH_MS,
  };
}
