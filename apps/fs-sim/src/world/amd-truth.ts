/**
 * The ground truth of answering-machine detection: for every customer call on which a
 * detector ran (mod_avmd's `avmd_start`, or mod_amd's `amd`), who really answered and what
 * the detector said. Nothing of it reaches ESL (a real switch cannot know it); tests and
 * the demo read it from the control API (`GET /amd`) to check a dialer's AMD figures.
 * Shared by every node, like the world it describes.
 */
export interface AmdTruthCall {
  /** The customer channel's Unique-ID (the dialer's call id). */
  uuid: string;
  /** The node's hostname (`fs-sim-<i+1>`). */
  node: string;
  /** The dialled number. */
  number: string;
  /** Who answered: a person or a machine. */
  truth: 'person' | 'machine';
  /** The detector reported a machine (avmd: a beep event; amd: `amd_result=MACHINE`). */
  detectedMachine: boolean;
  /** A person the detector took for a machine. */
  falsePositive: boolean;
  /** A machine whose beep the detector missed (it went by, unreported). */
  falseNegative: boolean;
  /** The call was bridged to another leg (an agent) at some point. */
  bridged: boolean;
  /** When detection started (ISO). */
  startedAt: string;
}

export interface AmdTruthSummary {
  /** Customer calls a detector ran on. */
  calls: number;
  persons: number;
  machines: number;
  /** Machine verdicts the detector gave (right or wrong). */
  detectedMachines: number;
  falsePositives: number;
  falseNegatives: number;
  /** False positives that were bridged to an agent anyway. */
  falsePositivesBridged: number;
  /** falsePositives / persons (0 with no persons). */
  falsePositiveRate: number;
  /** falsePositives / detectedMachines: the share the UK rule estimates (0 with no verdicts). */
  falsePositiveShareOfVerdicts: number;
}

/** Calls kept for `GET /amd` (the oldest go first); the counts cover every call. */
const KEPT_CALLS = 10_000;

export class AmdTruth {
  private readonly calls = new Map<string, AmdTruthCall>();
  private readonly totals = {
    calls: 0,
    persons: 0,
    machines: 0,
    detectedMachines: 0,
    falsePositives: 0,
    falseNegatives: 0,
    falsePositivesBridged: 0,
  };

  /** Detection started on a customer call (once per call; a restart of avmd is ignored). */
  started(call: Pick<AmdTruthCall, 'uuid' | 'node' | 'number' | 'truth'>, at: Date): void {
    if (this.calls.has(call.uuid)) return;
    this.calls.set(call.uuid, {
      ...call,
      detectedMachine: false,
      falsePositive: false,
      falseNegative: false,
      bridged: false,
      startedAt: at.toISOString(),
    });
    this.totals.calls++;
    if (call.truth === 'person') this.totals.persons++;
    else this.totals.machines++;
    if (this.calls.size > KEPT_CALLS) this.calls.delete(this.calls.keys().next().value!);
  }

  /** The detector said machine. */
  detectedMachine(uuid: string): void {
    const c = this.calls.get(uuid);
    if (!c || c.detectedMachine) return;
    c.detectedMachine = true;
    this.totals.detectedMachines++;
    if (c.truth === 'person') {
      c.falsePositive = true;
      this.totals.falsePositives++;
      if (c.bridged) this.totals.falsePositivesBridged++;
    }
  }

  /** A machine's beep went by and the detector stayed silent. */
  missedBeep(uuid: string): void {
    const c = this.calls.get(uuid);
    if (!c || c.truth !== 'machine' || c.falseNegative || c.detectedMachine) return;
    c.falseNegative = true;
    this.totals.falseNegatives++;
  }

  bridged(uuid: string): void {
    const c = this.calls.get(uuid);
    if (!c || c.bridged) return;
    c.bridged = true;
    if (c.falsePositive) this.totals.falsePositivesBridged++;
  }

  summary(): AmdTruthSummary {
    const t = this.totals;
    return {
      ...t,
      falsePositiveRate: t.persons > 0 ? t.falsePositives / t.persons : 0,
      falsePositiveShareOfVerdicts: t.detectedMachines > 0 ? t.falsePositives / t.detectedMachines : 0,
    };
  }

  /** The kept calls, oldest first. */
  list(): AmdTruthCall[] {
    return [...this.calls.values()].map((c) => ({ ...c }));
  }
}
