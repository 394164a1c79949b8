import { z } from 'zod';
import { AtsError, PhoneRegion, validationError } from '@autotelesale/contracts';

export const INBOUND_GATE_CONFIG = Symbol('INBOUND_GATE_CONFIG');

/** Where an allowed inbound call goes on: `uuid_transfer <uuid> <extension> <dialplan> <context>`. */
export interface InboundContinueTarget {
  extension: string;
  dialplan: string;
  context: string;
}

export interface InboundGateConfig {
  /** `ATS_INBOUND_CONTINUE`, e.g. `inbound_queue XML default`. */
  continueTo: InboundContinueTarget;
  /** How long compliance may take to answer before the call goes on unchecked (fail open). */
  checkTimeoutMs: number;
  /** The region national caller numbers are read in (`ATS_INBOUND_DEFAULT_REGION`). */
  defaultRegion: string;
}

const Env = z.object({
  ATS_INBOUND_CONTINUE: z.string().default('inbound_queue XML default'),
  ATS_INBOUND_CHECK_TIMEOUT_MS: z.coerce.number().int().min(100).max(10_000).default(1_500),
  ATS_INBOUND_DEFAULT_REGION: PhoneRegion.default('VN'),
});

const EXTENSION = /^[A-Za-z0-9_+*#.-]{1,64}$/;
const DIALPLAN = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;
const CONTEXT = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * `<extension> [<dialplan> [<context>]]` as `uuid_transfer` takes it (dialplan defaults to
 * XML, context to default). Anything else is a start-up error naming the variable: a typo
 * here would send every allowed caller nowhere.
 */
export function parseInboundContinue(text: string): InboundContinueTarget {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [extension = '', dialplan = 'XML', context = 'default'] = words;
  const problem =
    words.length === 0 || words.length > 3
      ? 'expected "<extension> [<dialplan> [<context>]]", e.g. "inbound_queue XML default"'
      : !EXTENSION.test(extension)
        ? `extension "${extension}" must match ${EXTENSION}`
        : !DIALPLAN.test(dialplan)
          ? `dialplan "${dialplan}" must match ${DIALPLAN}`
          : dialplan === 'inline'
            ? 'an inline dialplan is not allowed: name an extension of the XML dialplan'
            : !CONTEXT.test(context)
              ? `context "${context}" must match ${CONTEXT}`
              : undefined;
  if (problem)
    throw new AtsError('VALIDATION_FAILED', `ATS_INBOUND_CONTINUE: ${problem}`, [
      { path: 'ATS_INBOUND_CONTINUE', message: problem },
    ]);
  return { extension, dialplan, context };
}

export function loadInboundGateConfig(env: NodeJS.ProcessEnv = process.env): InboundGateConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) throw validationError('environment', parsed.error);
  return {
    continueTo: parseInboundContinue(parsed.data.ATS_INBOUND_CONTINUE),
    checkTimeoutMs: parsed.data.ATS_INBOUND_CHECK_TIMEOUT_MS,
    defaultRegion: parsed.data.ATS_INBOUND_DEFAULT_REGION,
  };
}
