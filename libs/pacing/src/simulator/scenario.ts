import { z } from 'zod';
import { PacingError } from '../errors';
import type { DistributionSpec } from '../stats/distribution';

const positive = z.number().positive();
const nonNegative = z.number().min(0);

export const DistributionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('fixed'), value: nonNegative }).strict(),
  z.object({ type: z.literal('exponential'), mean: positive }).strict(),
  z.object({ type: z.literal('lognormal'), mean: positive, cv: nonNegative }).strict(),
  z.object({ type: z.literal('shiftedExponential'), shift: nonNegative, mean: positive }).strict(),
]);

const AgentGroupSchema = z
  .object({
    count: z.number().int().min(0),
    loginAtMin: nonNegative.default(0),
    /** Omitted: stays until the end of the run. */
    logoutAtMin: nonNegative.optional(),
  })
  .strict();

const ScheduleSchema = z
  .array(z.object({ fromMin: nonNegative, value: z.number().min(0).max(1) }).strict())
  .min(1);

const PolicySchema = z.union([
  z.object({ mode: z.literal('manual') }).strict(),
  z.object({ mode: z.literal('preview') }).strict(),
  z.object({ mode: z.literal('progressive') }).strict(),
  z.object({ mode: z.literal('ratio'), k: positive }).strict(),
  z.object({ mode: z.literal('agentless'), lineLimit: z.number().int().positive() }).strict(),
  z
    .object({
      mode: z.literal('predictive'),
      policy: z.literal('forecast'),
      marginPercent: nonNegative,
      gain: positive.optional(),
      shortWaitSec: nonNegative.optional(),
      shortWaitShare: z.number().min(0).max(1).optional(),
      initialThreshold: positive.optional(),
      durationPriorMemory: z.number().min(1).optional(),
      forecastGain: nonNegative.optional(),
    })
    .strict(),
  z
    .object({
      mode: z.literal('predictive'),
      policy: z.enum(['vicidial-hard-limit', 'vicidial-tapered']),
      targetDifference: z.number(),
      maxLevel: z.number().min(1).optional(),
    })
    .strict(),
]);

export const ScenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    agents: z.union([z.number().int().positive(), z.array(AgentGroupSchema).min(1)]),
    hours: positive,
    warmupMinutes: nonNegative.default(0),
    seeds: z.array(z.number().int().min(0)).min(1),
    answerProbability: z.union([z.number().min(0).max(1), ScheduleSchema]),
    answerDelaySec: DistributionSchema,
    talkSec: DistributionSchema,
    wrapSec: DistributionSchema,
    noAnswerTimeoutSec: positive,
    amd: z
      .object({
        machineProbability: z.number().min(0).max(1),
        detectionSec: nonNegative,
        falsePositiveRate: z.number().min(0).max(1),
        falseNegativeRate: z.number().min(0).max(1),
        agentSecOnMachine: nonNegative.default(5),
      })
      .strict()
      .optional(),
    abandonCapPercent: z.number().positive().max(100).default(3),
    abandonRule: z.enum(['US', 'UK']).default('US'),
    graceSec: nonNegative.default(2),
    decisionIntervalSec: positive.default(0.5),
    manual: z.object({ dialOverheadSec: DistributionSchema }).strict().optional(),
    preview: z
      .object({ previewSec: DistributionSchema, agentAnswerSec: DistributionSchema })
      .strict()
      .optional(),
    agentless: z.object({ messageSec: DistributionSchema }).strict().optional(),
    policies: z.array(PolicySchema).min(1),
  })
  .strict()
  .superRefine((s, ctx) => {
    const probs =
      typeof s.answerProbability === 'number'
        ? [s.answerProbability]
        : s.answerProbability.map((x) => x.value);
    const machine = s.amd?.machineProbability ?? 0;
    if (probs.some((p) => p + machine > 1)) {
      ctx.addIssue({
        code: 'custom',
        path: ['answerProbability'],
        message: 'answerProbability + amd.machineProbability must be <= 1',
      });
    }
    if (s.warmupMinutes >= s.hours * 60) {
      ctx.addIssue({
        code: 'custom',
        path: ['warmupMinutes'],
        message: 'warmupMinutes must be shorter than the run',
      });
    }
  });

export type Scenario = z.output<typeof ScenarioSchema>;
export type ScenarioPolicy = Scenario['policies'][number];

/** Validates a parsed JSON scenario; every problem is listed with its path. */
export function parseScenario(json: unknown): Scenario {
  const result = ScenarioSchema.safeParse(json);
  if (!result.success) {
    const details = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new PacingError(
      'PACING_INVALID_SCENARIO',
      `invalid scenario: ${details.map((d) => `${d.path || '(root)'}: ${d.message}`).join('; ')}`,
      details,
    );
  }
  return result.data;
}

export function policyLabel(policy: ScenarioPolicy): { mode: string; policy: string } {
  switch (policy.mode) {
    case 'manual':
    case 'preview':
    case 'progressive':
      return { mode: policy.mode, policy: 'agent-first' };
    case 'ratio':
      return { mode: 'ratio', policy: `k-free(k=${policy.k})` };
    case 'agentless':
      return { mode: 'agentless', policy: `line-limit(${policy.lineLimit})` };
    case 'predictive':
      return policy.policy === 'forecast'
        ? {
            mode: 'predictive',
            policy:
              `forecast(margin=${policy.marginPercent}%` +
              (policy.gain === undefined ? '' : `,gain=${policy.gain}`) +
              (policy.initialThreshold === undefined ? '' : `,init=${policy.initialThreshold}`) +
              (policy.durationPriorMemory === undefined ? '' : `,priorMemory=${policy.durationPriorMemory}`) +
              (policy.forecastGain === undefined ? '' : `,forecastGain=${policy.forecastGain}`) +
              ')',
          }
        : {
            mode: 'predictive',
            policy: `${policy.policy}(target=${policy.targetDifference},max=${policy.maxLevel ?? 3})`,
          };
  }
}

/** The live-answer probability in force at `atSec` into the run. */
export function answerProbabilityAt(scenario: Scenario, atSec: number): number {
  const p = scenario.answerProbability;
  if (typeof p === 'number') return p;
  let value = p[0]!.value;
  for (const step of p) if (step.fromMin * 60 <= atSec) value = step.value;
  return value;
}

export type { DistributionSpec };
