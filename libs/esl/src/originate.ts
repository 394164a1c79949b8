import { EslError } from './esl-error';

export type ChannelVariables = Readonly<Record<string, string | number | boolean>>;

export interface OriginateSpec {
  /** B-leg UUID chosen by us (origination_uuid): known before any event, unique across nodes. */
  uuid: string;
  /** Dial string, e.g. `sofia/gateway/gw1/15551234567` or `user/1001`. */
  endpoint: string;
  /** What runs on answer: `&park()` by default. An `&app(args)` or an extension. */
  application?: string;
  /** Seconds of ringing before NO_ANSWER (originate_timeout). */
  timeoutSec?: number;
  /**
   * Default true: with early media allowed, originate returns +OK on 183 before anyone
   * answered (reference 4.2), which a dialer would count as a live answer.
   */
  ignoreEarlyMedia?: boolean;
  /** Our tracking variables (`ats_*`), e.g. { ats_dialer_id, ats_call_id, ats_campaign_id }. */
  tracking?: ChannelVariables;
  /** Any other global variables (`{}`), e.g. origination_caller_id_number. */
  variables?: ChannelVariables;
  /** Per-leg variables (`[]`), which take precedence over the global ones. */
  legVariables?: ChannelVariables;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
/** Characters that cannot be carried safely in a `{}`/`[]` value on any FreeSWITCH version. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_VALUE = /[\u0000-\u001f\u007f\\{}[\]]/;
// eslint-disable-next-line no-control-regex
const FORBIDDEN_ENDPOINT = /[\u0000-\u0020\u007f'{}[\]]/;

/**
 * Escapes one variable value for a dial-string block (reference 4.1): `,` separates
 * variables (escaped `\,`), a space would split the originate arguments (the value is
 * single-quoted), a quote inside is `\'`. Characters that cannot be escaped reliably —
 * control characters (a newline would inject an ESL command), backslash and brackets —
 * are refused rather than mangled.
 */
export function escapeChannelValue(name: string, raw: string | number | boolean): string {
  const value = String(raw);
  if (FORBIDDEN_VALUE.test(value))
    throw new EslError('ESL_INVALID_ARGUMENT', `channel variable ${name} has a character we cannot escape`, {
      name,
    });
  let out = value.replace(/,/g, '\\,').replace(/'/g, "\\'");
  if (/[ ]/.test(out)) out = `'${out}'`;
  return out;
}

export function formatVariables(vars: ChannelVariables): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(vars)) {
    if (!NAME.test(name))
      throw new EslError('ESL_INVALID_ARGUMENT', `bad channel variable name ${JSON.stringify(name)}`, {
        name,
      });
    parts.push(`${name}=${escapeChannelValue(name, value)}`);
  }
  return parts.join(',');
}

/**
 * Builds the argument of `originate` (without the word itself), e.g.
 * `{origination_uuid=…,ignore_early_media=true,originate_timeout=30,ats_call_id=…}sofia/gateway/gw1/155… &park()`.
 * Our own variables come first so a caller's `variables` cannot override the uuid.
 */
export function buildOriginateArgs(spec: OriginateSpec): string {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(spec.uuid))
    throw new EslError('ESL_INVALID_ARGUMENT', `bad origination uuid ${JSON.stringify(spec.uuid)}`);
  if (!spec.endpoint || FORBIDDEN_ENDPOINT.test(spec.endpoint))
    throw new EslError('ESL_INVALID_ARGUMENT', `bad endpoint ${JSON.stringify(spec.endpoint)}`);
  const application = spec.application ?? '&park()';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(application))
    throw new EslError('ESL_INVALID_ARGUMENT', 'application contains a control character');
  const global: Record<string, string | number | boolean> = {
    ...(spec.variables ?? {}),
    ...(spec.tracking ?? {}),
    origination_uuid: spec.uuid,
    ignore_early_media: spec.ignoreEarlyMedia ?? true,
  };
  if (spec.timeoutSec !== undefined) {
    if (!Number.isInteger(spec.timeoutSec) || spec.timeoutSec <= 0)
      throw new EslError('ESL_INVALID_ARGUMENT', `bad originate timeout ${spec.timeoutSec}`);
    global['originate_timeout'] = spec.timeoutSec;
  }
  const leg =
    spec.legVariables && Object.keys(spec.legVariables).length > 0
      ? `[${formatVariables(spec.legVariables)}]`
      : '';
  const app = /\s/.test(application) && !application.startsWith("'") ? `'${application}'` : application;
  return `{${formatVariables(global)}}${leg}${spec.endpoint} ${app}`;
}
