import { DialerError } from './dialer-error';

/** When a campaign's recording starts: at the customer's answer, or at the bridge to the agent. */
export type RecordingStartMoment = 'answer' | 'bridge';

export interface RecordingPathInput {
  /** The directory on the switch (the campaign's, else the dialer's `ATS_RECORDINGS_DIR`). */
  directory: string;
  campaignId: string;
  callId: string;
  /** When the recording starts (epoch ms): its UTC day names the day folder. */
  at: number;
  /**
   * Started by a replica that took the call over and found no recording marked on the leg:
   * a file of its own, so it never writes over one the dead owner may have started just
   * before it died (between the switch's `+OK` and the mark).
   */
  takenOver?: boolean;
}

const SAFE_DIRECTORY = /^\/[A-Za-z0-9._/-]*$/;
const SAFE_ID = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * `<directory>/<campaignId>/<yyyy-mm-dd>/<callId>.wav` (the day in UTC), the file
 * `uuid_record <uuid> start <path>` writes. Every part goes into an ESL command line, so
 * anything that could split it (a space) or start another command (a newline) is refused
 * with `DIALER_INVALID_ARGUMENT`, as is a `..` segment.
 */
export function recordingPath(input: RecordingPathInput): string {
  const { directory, campaignId, callId, at } = input;
  if (!SAFE_DIRECTORY.test(directory) || directory.length > 200 || directory.split('/').includes('..'))
    throw new DialerError('DIALER_INVALID_ARGUMENT', 'recording directory must be an absolute safe path', {
      directory,
    });
  if (!SAFE_ID.test(campaignId) || !SAFE_ID.test(callId))
    throw new DialerError(
      'DIALER_INVALID_ARGUMENT',
      'campaign and call ids must be letters, digits, _ and -',
      {
        campaignId,
        callId,
      },
    );
  if (!Number.isFinite(at))
    throw new DialerError('DIALER_INVALID_ARGUMENT', 'recording start time must be a finite epoch ms', {
      at,
    });
  const day = new Date(at).toISOString().slice(0, 10);
  const base = directory.replace(/\/+$/, '');
  return `${base}/${campaignId}/${day}/${callId}${input.takenOver ? '.takeover' : ''}.wav`;
}

/**
 * The recording path a leg carries (`ats_recording_path`, set once the switch said `+OK`),
 * or undefined for anything else (unset, `_undef_`, an error reply, garbage).
 */
export function parseRecordingMark(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const path = value.trim();
  if (!path.startsWith('/') || !path.endsWith('.wav') || path.length > 400) return undefined;
  return SAFE_DIRECTORY.test(path) && !path.split('/').includes('..') ? path : undefined;
}

/**
 * Whether a call has reached the moment its recording starts: answered (`answer`), or
 * talking to its agent (`bridge`: connected, which a bridge made on early media only is
 * not until the answer). Never for an ended call.
 */
export function recordingDue(
  state: { phase: string; answeredAt: number | null; connectedAt: number | null },
  from: RecordingStartMoment,
): boolean {
  if (state.phase === 'ended') return false;
  return from === 'answer' ? state.answeredAt !== null : state.connectedAt !== null;
}
