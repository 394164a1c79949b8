import { z } from 'zod';
import { createRng, hashString, type Rng } from '../core/rng';

/**
 * The simulated world's customers: what a dialled number does, drawn from weighted
 * outcomes with duration distributions, seeded per (seed, number, attempt) so a run is
 * repeatable whatever order calls interleave in. Exact overrides by number, prefix or
 * suffix make a test deterministic. All durations are simulated milliseconds.
 */
const durationSchema = z.union([
  z.number().nonnegative(),
  z.object({ uniform: z.tuple([z.number().nonnegative(), z.number().nonnegative()]) }),
  z.object({
    lognormal: z.object({ median: z.number().positive(), sigma: z.number().nonnegative() }),
    min: z.number().nonnegative().optional(),
    max: z.number().nonnegative().optional(),
  }),
  z.object({
    exponential: z.object({ mean: z.number().positive() }),
    min: z.number().nonnegative().optional(),
    max: z.number().nonnegative().optional(),
  }),
]);
export type DurationSpec = z.infer<typeof durationSchema>;

export const OUTCOME_KINDS = [
  'answer',
  'machine',
  'hangup-during-intro',
  'busy',
  'no-answer',
  'invalid-number',
  'network-failure',
  'rejected',
] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

const behaviourSchema = z.object({
  kind: z.enum(OUTCOME_KINDS),
  /** Time from INVITE to 180 Ringing. */
  progressMs: durationSchema.optional(),
  /** Time from INVITE to the final answer or failure. */
  ringMs: durationSchema.optional(),
  /** Probability (0..1) or boolean: 183 with SDP before the answer/failure. */
  earlyMedia: z.union([z.boolean(), z.number().min(0).max(1)]).optional(),
  /** answer: talk time after answering, then the customer hangs up. */
  talkMs: durationSchema.optional(),
  /** hangup-during-intro: hangs up this long after answering. */
  hangupAfterMs: durationSchema.optional(),
  /** machine: greeting length; the beep comes at its end. */
  greetingMs: durationSchema.optional(),
  /** answer: digits the customer presses when asked (play_and_get_digits), e.g. "3" or "12#". */
  digits: z
    .string()
    .regex(/^[0-9*#A-D]*$/)
    .optional(),
  /** Delay between the end of the prompt and the first digit. */
  digitDelayMs: durationSchema.optional(),
  /** Final SIP status for failures (busy 486, invalid 404, network 503, rejected 603). */
  sipCode: z.number().int().min(400).max(699).optional(),
  /**
   * A person (`answer`, `hangup-during-intro`) on whom answering-machine detection errs:
   * mod_avmd reports a beep (mod_amd says MACHINE). Probability (0..1) or boolean; default
   * the scenario's `amd.falsePositiveRate`.
   */
  amdFalsePositive: z.union([z.boolean(), z.number().min(0).max(1)]).optional(),
  /**
   * A `machine` whose beep detection misses (mod_avmd stays silent, mod_amd says HUMAN).
   * Probability (0..1) or boolean; default the scenario's `amd.falseNegativeRate`.
   */
  amdFalseNegative: z.union([z.boolean(), z.number().min(0).max(1)]).optional(),
});
export type BehaviourSpec = z.infer<typeof behaviourSchema>;

const outcomeSchema = behaviourSchema.extend({ weight: z.number().nonnegative() });

const overrideSchema = z
  .object({
    number: z.string().optional(),
    prefix: z.string().optional(),
    suffix: z.string().optional(),
    behaviour: behaviourSchema,
  })
  .refine((o) => o.number !== undefined || o.prefix !== undefined || o.suffix !== undefined, {
    message: 'an override needs number, prefix or suffix',
  });

const agentSchema = z.object({
  ext: z.string().min(1),
  registered: z.boolean().optional(),
  autoAnswer: z.boolean().optional(),
  answerDelayMs: z.number().nonnegative().optional(),
});
export type AgentSpec = z.infer<typeof agentSchema>;

export const scenarioSchema = z.object({
  name: z.string().optional(),
  seed: z.number().int().optional(),
  gateways: z
    .record(
      z.string(),
      z.object({ profile: z.string().optional(), state: z.enum(['up', 'down']).optional() }),
    )
    .optional(),
  playback: z
    .object({ defaultMs: durationSchema.optional(), files: z.record(z.string(), durationSchema).optional() })
    .optional(),
  customers: z
    .object({
      progressMs: durationSchema.optional(),
      ringMs: durationSchema.optional(),
      earlyMedia: z.number().min(0).max(1).optional(),
      talkMs: durationSchema.optional(),
      outcomes: z.array(outcomeSchema).min(1).optional(),
    })
    .optional(),
  overrides: z.array(overrideSchema).optional(),
  agents: z.array(agentSchema).optional(),
  agentDefaults: agentSchema.omit({ ext: true }).optional(),
  /**
   * Answering-machine detection: how long mod_amd's analysis takes for a person, and how
   * often detection errs (seeded per call like every other draw): `falsePositiveRate` of
   * the people are taken for machines (mod_avmd fires a beep `falsePositiveBeepMs` after
   * it starts listening), `falseNegativeRate` of the machines' beeps are missed.
   */
  amd: z
    .object({
      humanDecisionMs: durationSchema.optional(),
      falsePositiveRate: z.number().min(0).max(1).optional(),
      falseNegativeRate: z.number().min(0).max(1).optional(),
      falsePositiveBeepMs: durationSchema.optional(),
    })
    .optional(),
  /**
   * The simulated XML dialplan: extension -> inline application list (`app:args,app2:args`,
   * as `uuid_transfer ... inline`), e.g. `"9000": "socket:127.0.0.1:8084 async full"`.
   * Extensions not listed bridge to the agent phone of that number, or park.
   */
  dialplan: z.record(z.string().min(1), z.string().min(1)).optional(),
  /**
   * XML dialplan contexts, as in `dialplan/*.xml`: context -> its extensions in order, each a
   * `destination_number` regular expression and the actions it runs (`$1`... are the
   * captures). The first match wins; a listed context where nothing matches hangs the call
   * up with NO_ROUTE_DESTINATION, as FreeSWITCH does. Control-API inbound calls enter
   * `public` (sofia's external profile); `uuid_transfer <uuid> <ext> XML <context>`, the
   * `transfer` application and originates to an extension look here before `dialplan`.
   */
  contexts: z
    .record(
      z.string().min(1),
      z.array(
        z.object({
          expression: z.string().min(1).refine(compiles, 'not a valid regular expression'),
          actions: z.array(z.object({ application: z.string().min(1), data: z.string().default('') })).min(1),
        }),
      ),
    )
    .optional(),
});

function compiles(expression: string): boolean {
  try {
    new RegExp(expression);
    return true;
  } catch {
    return false;
  }
}

/** An application a context's extension runs. */
export interface ContextAction {
  application: string;
  data: string;
}
export type ScenarioSpec = z.infer<typeof scenarioSchema>;

export class ScenarioError extends Error {
  readonly code = 'FS_SIM_SCENARIO_INVALID';
}

export function parseScenario(json: unknown): ScenarioSpec {
  const parsed = scenarioSchema.safeParse(json);
  if (!parsed.success) {
    throw new ScenarioError(
      `invalid scenario: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const misplaced = [
    ...(parsed.data.customers?.outcomes ?? []).map((b, i) => [`customers.outcomes.${i}`, b] as const),
    ...(parsed.data.overrides ?? []).map((o, i) => [`overrides.${i}.behaviour`, o.behaviour] as const),
  ].flatMap(([path, b]) => amdErrorMisplaced(b).map((field) => `${path}.${field}: not for kind ${b.kind}`));
  if (misplaced.length > 0) throw new ScenarioError(`invalid scenario: ${misplaced.join('; ')}`);
  return parsed.data;
}

/** The people AMD may take for machines: everybody who answers and speaks. */
const PERSON_KINDS: ReadonlySet<OutcomeKind> = new Set(['answer', 'hangup-during-intro']);

/** A false positive only befalls a person, a false negative only a machine. */
function amdErrorMisplaced(b: BehaviourSpec): string[] {
  const out: string[] = [];
  if (b.amdFalsePositive !== undefined && !PERSON_KINDS.has(b.kind)) out.push('amdFalsePositive');
  if (b.amdFalseNegative !== undefined && b.kind !== 'machine') out.push('amdFalseNegative');
  return out;
}

/** A behaviour with every duration drawn: what this one call will do. */
export interface ResolvedBehaviour {
  kind: OutcomeKind;
  progressMs: number;
  ringMs: number;
  earlyMedia: boolean;
  talkMs: number;
  hangupAfterMs: number;
  greetingMs: number;
  digits: string;
  digitDelayMs: number;
  sipCode: number;
  /** A person that answering-machine detection will take for a machine. */
  amdFalsePositive: boolean;
  /** A machine whose beep detection will miss. */
  amdFalseNegative: boolean;
  /** A false positive: when mod_avmd reports its beep, after it starts listening. */
  amdFalseBeepMs: number;
}

const DEFAULT_SIP: Record<OutcomeKind, number> = {
  answer: 200,
  machine: 200,
  'hangup-during-intro': 200,
  busy: 486,
  'no-answer': 480,
  'invalid-number': 404,
  'network-failure': 503,
  rejected: 603,
};

export function drawDuration(spec: DurationSpec | undefined, rng: Rng, fallback: number): number {
  if (spec === undefined) return fallback;
  if (typeof spec === 'number') return spec;
  let value: number;
  let min = 0;
  let max = Infinity;
  if ('uniform' in spec) {
    value = spec.uniform[0] + rng() * (spec.uniform[1] - spec.uniform[0]);
  } else if ('lognormal' in spec) {
    const u1 = Math.max(rng(), 1e-12);
    const u2 = rng();
    const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    value = spec.lognormal.median * Math.exp(spec.lognormal.sigma * normal);
    min = spec.min ?? 0;
    max = spec.max ?? Infinity;
  } else {
    value = -spec.exponential.mean * Math.log(Math.max(1 - rng(), 1e-12));
    min = spec.min ?? 0;
    max = spec.max ?? Infinity;
  }
  return Math.round(Math.min(max, Math.max(min, value)));
}

export class Scenario {
  private readonly attempts = new Map<string, number>();

  constructor(
    readonly spec: ScenarioSpec,
    readonly seed: number,
  ) {}

  /** Decides what the customer at `number` does on this attempt. */
  behaviourFor(number: string): ResolvedBehaviour {
    const attempt = (this.attempts.get(number) ?? 0) + 1;
    this.attempts.set(number, attempt);
    const rng = createRng(hashString(`${number}#${attempt}`, this.seed));
    const override = this.findOverride(number);
    const chosen = override ?? this.pickOutcome(rng);
    const c = this.spec.customers ?? {};
    const early = chosen.earlyMedia ?? c.earlyMedia ?? 0;
    return {
      kind: chosen.kind,
      progressMs: drawDuration(chosen.progressMs ?? c.progressMs, rng, 150),
      ringMs: drawDuration(chosen.ringMs ?? c.ringMs, rng, chosen.kind === 'invalid-number' ? 80 : 4000),
      earlyMedia: typeof early === 'boolean' ? early : rng() < early,
      talkMs: drawDuration(chosen.talkMs ?? c.talkMs, rng, 30_000),
      hangupAfterMs: drawDuration(chosen.hangupAfterMs, rng, 3000),
      greetingMs: drawDuration(chosen.greetingMs, rng, 8000),
      digits: chosen.digits ?? '',
      digitDelayMs: drawDuration(chosen.digitDelayMs, rng, 1200),
      sipCode: chosen.sipCode ?? DEFAULT_SIP[chosen.kind],
      // Drawn after everything else, so a scenario without AMD errors draws as before.
      ...this.drawAmdErrors(chosen, rng),
    };
  }

  private drawAmdErrors(
    chosen: BehaviourSpec,
    rng: Rng,
  ): Pick<ResolvedBehaviour, 'amdFalsePositive' | 'amdFalseNegative' | 'amdFalseBeepMs'> {
    const amd = this.spec.amd ?? {};
    const roll = (p: boolean | number) => (typeof p === 'boolean' ? p : p > 0 && rng() < p);
    const person = PERSON_KINDS.has(chosen.kind);
    const amdFalsePositive = person && roll(chosen.amdFalsePositive ?? amd.falsePositiveRate ?? 0);
    const amdFalseNegative =
      chosen.kind === 'machine' && roll(chosen.amdFalseNegative ?? amd.falseNegativeRate ?? 0);
    const amdFalseBeepMs = amdFalsePositive ? drawDuration(amd.falsePositiveBeepMs, rng, 800) : 0;
    return { amdFalsePositive, amdFalseNegative, amdFalseBeepMs };
  }

  playbackMs(file: string, rng: Rng): number {
    const p = this.spec.playback ?? {};
    const perFile = p.files?.[file];
    return drawDuration(perFile ?? p.defaultMs, rng, 3000);
  }

  gateway(name: string): { profile: string; state: 'up' | 'down' } | undefined {
    const gateways = this.spec.gateways ?? { gw1: {} };
    const gw = gateways[name];
    if (!gw) return undefined;
    return { profile: gw.profile ?? 'external', state: gw.state ?? 'up' };
  }

  /**
   * The actions of the first extension of `context` whose expression matches `exten`, with
   * `$1`... replaced; `null` when the context is listed but nothing matches (no route);
   * `undefined` when the scenario does not list the context.
   */
  contextRoute(context: string, exten: string): ContextAction[] | null | undefined {
    const extensions = this.spec.contexts?.[context];
    if (!extensions) return undefined;
    for (const ext of extensions) {
      const m = new RegExp(ext.expression).exec(exten);
      if (!m) continue;
      return ext.actions.map((a) => ({
        application: a.application,
        data: a.data.replace(/\$(\d)/g, (_all, i: string) => m[Number(i)] ?? ''),
      }));
    }
    return null;
  }

  /** The inline application list the scenario's dialplan gives an extension, if any. */
  dialplanFor(exten: string): string | undefined {
    return this.spec.dialplan?.[exten];
  }

  get gatewayNames(): string[] {
    return Object.keys(this.spec.gateways ?? { gw1: {} });
  }

  private findOverride(number: string): BehaviourSpec | undefined {
    for (const o of this.spec.overrides ?? []) {
      if (o.number !== undefined && o.number === number) return o.behaviour;
      if (o.number === undefined) {
        const prefixOk = o.prefix === undefined || number.startsWith(o.prefix);
        const suffixOk = o.suffix === undefined || number.endsWith(o.suffix);
        if (prefixOk && suffixOk) return o.behaviour;
      }
    }
    return undefined;
  }

  private pickOutcome(rng: Rng): BehaviourSpec {
    const outcomes = this.spec.customers?.outcomes ?? [{ kind: 'answer' as const, weight: 1 }];
    const total = outcomes.reduce((sum, o) => sum + o.weight, 0);
    let roll = rng() * total;
    for (const o of outcomes) {
      roll -= o.weight;
      if (roll < 0) return o;
    }
    return outcomes[outcomes.length - 1]!;
  }
}
