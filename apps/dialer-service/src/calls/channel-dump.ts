import { CHANNEL_VARS, parseAmdMark, type AmdMark } from '@autotelesale/dialer-domain';
import { EslError } from '@autotelesale/esl';

/**
 * One channel as `uuid_dump <uuid> json` shows it: the CHANNEL_DATA event, every value a
 * string, channel variables as `variable_<name>`. One round trip gives what several
 * `uuid_getvar` would (reference 5).
 */
export interface ChannelDump {
  readonly headers: Readonly<Record<string, string>>;
  variable(name: string): string | undefined;
}

/** The dump, or undefined when the channel is gone (`-ERR No such channel!`). */
export function parseChannelDump(body: string): ChannelDump | undefined {
  const text = body.trim();
  if (text.startsWith('-ERR No such channel')) return undefined;
  if (text.startsWith('-')) throw new EslError('ESL_BAD_REPLY', `uuid_dump failed: ${text.slice(0, 80)}`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new EslError('ESL_BAD_REPLY', `uuid_dump: not JSON: ${text.slice(0, 80)}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new EslError('ESL_BAD_REPLY', 'uuid_dump: not an object');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(data as Record<string, unknown>))
    if (v !== null && v !== undefined) headers[k] = String(v);
  return { headers, variable: (name) => headers[`variable_${name}`] };
}

/** Where answering-machine detection stands on a customer leg (epoch ms). */
export interface AmdProgress {
  /** `ats_amd` (undefined: no detection on this leg, or an unknown value). */
  mark: AmdMark | undefined;
  /** When the leg was answered (null: not answered). */
  answeredAt: number | null;
  /**
   * When mod_avmd heard a beep (`avmd_detect=TRUE`), or null. Without a timestamp it counts
   * as heard at the answer: a beep heard is never taken for a person.
   */
  beepAt: number | null;
}

export function amdProgressOf(dump: ChannelDump): AmdProgress {
  const answeredUs = Number(dump.headers['Caller-Channel-Answered-Time'] ?? '0');
  const answeredAt = answeredUs > 0 ? Math.floor(answeredUs / 1000) : null;
  return {
    mark: parseAmdMark(dump.variable(CHANNEL_VARS.amd)),
    answeredAt,
    beepAt: beepAtOf(dump, answeredAt),
  };
}

function beepAtOf(dump: ChannelDump, answeredAt: number | null): number | null {
  if (dump.variable('avmd_detect') !== 'TRUE') return null;
  const stampUs = Number(dump.variable('avmd_detect_timestamp') ?? '0');
  if (stampUs > 0) return Math.floor(stampUs / 1000);
  // mod_avmd's `avmd_total_time` is `[<ms since detection started>]`; detection starts on the answer.
  const total = /^\[(\d+)\]$/.exec(dump.variable('avmd_total_time') ?? '');
  if (answeredAt !== null && total) return answeredAt + Number(total[1]);
  return answeredAt ?? 0;
}
