import { AmdTruth } from './amd-truth';
import { Scenario, type AgentSpec, type ScenarioSpec } from './scenario';

export interface AgentPhone {
  ext: string;
  registered: boolean;
  /** Answers by itself after answerDelayMs; otherwise rings until told (control API) or timeout. */
  autoAnswer: boolean;
  answerDelayMs: number;
}

/**
 * Everything outside the switches: the customers (scenario) and the agents' phones.
 * Shared by all nodes, like a real PSTN and a real office.
 */
export class World {
  readonly scenario: Scenario;
  /** What answering-machine detection got right and wrong (never on the wire). */
  readonly amdTruth = new AmdTruth();
  private readonly agents = new Map<string, AgentPhone>();

  constructor(spec: ScenarioSpec, seed: number) {
    this.scenario = new Scenario(spec, seed);
    for (const a of spec.agents ?? []) this.upsertAgent(a);
  }

  agent(ext: string): AgentPhone | undefined {
    return this.agents.get(ext);
  }

  listAgents(): AgentPhone[] {
    return [...this.agents.values()];
  }

  upsertAgent(spec: AgentSpec): AgentPhone {
    const defaults = this.scenario.spec.agentDefaults ?? {};
    const current = this.agents.get(spec.ext);
    const phone: AgentPhone = {
      ext: spec.ext,
      registered: spec.registered ?? current?.registered ?? defaults.registered ?? true,
      autoAnswer: spec.autoAnswer ?? current?.autoAnswer ?? defaults.autoAnswer ?? true,
      answerDelayMs: spec.answerDelayMs ?? current?.answerDelayMs ?? defaults.answerDelayMs ?? 500,
    };
    this.agents.set(spec.ext, phone);
    return phone;
  }
}
