/**
 * The demo's command line: `npm run demo -- --minutes 3 --contacts 3000 --json out.json`.
 * Pure (no I/O) so that the parsing is unit-tested.
 */
export interface DemoOptions {
  /** Wall-clock minutes the campaign runs before it is paused and measured. */
  minutes: number;
  /** Generated contacts imported into the campaign's list. */
  contacts: number;
  agents: number;
  /** fs-sim's time scale: 0.05 plays 20 simulated seconds in one wall second. */
  timeScale: number;
  /** Seed of fs-sim's customers and of the agents' dispositions. */
  seed: number;
  /** Writes `{ campaign, manual }` here as JSON. */
  json: string | null;
  /** Keeps the demo's database and NATS streams after the run (for a look with the API). */
  keep: boolean;
  /**
   * The run fails unless the campaign's talk time per agent-hour is above manual's times
   * this (1: above manual; 0: no check, e.g. for a short smoke run).
   */
  minAdvantage: number;
  /**
   * A fixed dial ratio k (the seed's rule: calls in flight <= k x free agents), or null
   * for the forecast pacer (the product's default for predictive campaigns).
   */
  ratio: number | null;
}

export const DEFAULT_OPTIONS: DemoOptions = {
  minutes: 3,
  contacts: 3_000,
  agents: 10,
  timeScale: 0.1,
  seed: 7,
  json: null,
  keep: false,
  minAdvantage: 1,
  ratio: null,
};

export class UsageError extends Error {}

export const USAGE = `usage: npm run demo -- [--minutes M (3)] [--contacts N (3000)] [--agents A (10)]
                        [--time-scale X (0.1)] [--seed S (7)] [--json FILE] [--keep]
                        [--min-advantage R (1)] [--ratio K (forecast pacer)]`;

const NUMERIC: Record<
  string,
  {
    key: 'minutes' | 'contacts' | 'agents' | 'timeScale' | 'seed' | 'minAdvantage' | 'ratio';
    min: number;
    max: number;
    integer: boolean;
  }
> = {
  '--minutes': { key: 'minutes', min: 0.1, max: 240, integer: false },
  '--contacts': { key: 'contacts', min: 10, max: 200_000, integer: true },
  '--agents': { key: 'agents', min: 1, max: 100, integer: true },
  '--time-scale': { key: 'timeScale', min: 0.005, max: 1, integer: false },
  '--seed': { key: 'seed', min: 0, max: 2 ** 31 - 1, integer: true },
  '--min-advantage': { key: 'minAdvantage', min: 0, max: 10, integer: false },
  '--ratio': { key: 'ratio', min: 1, max: 10, integer: false },
};

export function parseDemoArgs(argv: readonly string[]): DemoOptions {
  const options: DemoOptions = { ...DEFAULT_OPTIONS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--keep') options.keep = true;
    else if (flag === '--json') options.json = value();
    else if (NUMERIC[flag]) {
      const spec = NUMERIC[flag];
      const raw = value();
      const n = Number(raw);
      if (!Number.isFinite(n) || (spec.integer && !Number.isInteger(n)) || n < spec.min || n > spec.max)
        throw new UsageError(
          `${flag} must be ${spec.integer ? 'an integer' : 'a number'} from ${spec.min} to ${spec.max}, not ${raw}`,
        );
      options[spec.key] = n;
    } else throw new UsageError(`unknown option ${arg}`);
  }
  return options;
}
