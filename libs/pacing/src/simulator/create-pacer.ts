import { AgentFirstPacer } from '../policies/agent-first-pacer';
import { AgentlessPacer } from '../policies/agentless-pacer';
import type { Pacer } from '../policies/campaign-snapshot';
import { ForecastPacer } from '../policies/forecast-pacer';
import { RatioPacer } from '../policies/ratio-pacer';
import { VicidialAdaptivePacer } from '../policies/vicidial-adaptive-pacer';
import type { Scenario, ScenarioPolicy } from './scenario';

/** Builds the pacer a scenario's policy entry describes, configured from the scenario. */
export function createPacer(scenario: Scenario, policy: ScenarioPolicy): Pacer {
  switch (policy.mode) {
    case 'manual':
    case 'preview':
    case 'progressive':
      return new AgentFirstPacer(policy.mode);
    case 'ratio':
      return new RatioPacer(policy.k);
    case 'agentless':
      return new AgentlessPacer(policy.lineLimit);
    case 'predictive':
      if (policy.policy === 'forecast') {
        return new ForecastPacer({
          rule: scenario.abandonRule,
          capPercent: scenario.abandonCapPercent,
          marginPercent: policy.marginPercent,
          graceSec: scenario.graceSec,
          noAnswerTimeoutSec: scenario.noAnswerTimeoutSec,
          amdDetectionSec: scenario.amd?.detectionSec ?? 0,
          amdFalsePositiveRate: scenario.amd?.falsePositiveRate ?? 0,
          ...(policy.gain === undefined ? {} : { gain: policy.gain }),
          ...(policy.shortWaitSec === undefined ? {} : { shortWaitSec: policy.shortWaitSec }),
          ...(policy.shortWaitShare === undefined ? {} : { shortWaitShare: policy.shortWaitShare }),
          ...(policy.initialThreshold === undefined ? {} : { initialThreshold: policy.initialThreshold }),
          ...(policy.durationPriorMemory === undefined
            ? {}
            : { durationPriorMemory: policy.durationPriorMemory }),
          ...(policy.forecastGain === undefined ? {} : { forecastGain: policy.forecastGain }),
        });
      }
      return new VicidialAdaptivePacer({
        targetDifference: policy.targetDifference,
        capPercent: scenario.abandonCapPercent,
        variant: policy.policy === 'vicidial-hard-limit' ? 'hard-limit' : 'tapered',
        ...(policy.maxLevel === undefined ? {} : { maxLevel: policy.maxLevel }),
      });
  }
}
