// Runs every policy of a scenario over its seeds and prints a table; `--json` writes the
// raw results. The only file of libs/pacing that touches the file system.
// Usage: bench-pacing --scenario bench/scenarios/s1.json [--json out.json] [--seeds 1,2]
//        [--only forecast] [--tune]
import { readFileSync, writeFileSync } from 'node:fs';
import {
  parseScenario,
  policyLabel,
  simulate,
  type Scenario,
  type ScenarioPolicy,
  type SimulationResult,
} from '../src/index';
import { tunePolicies } from './tune';
import { formatSummary, formatTable } from './report';

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function main(): void {
  const args = process.argv.slice(2);
  const file = argValue(args, '--scenario');
  if (!file) {
    console.error(
      'usage: bench-pacing --scenario <file.json> [--json <out.json>] [--seeds 1,2,3] [--only <text>] [--tune]',
    );
    process.exit(2);
  }
  let scenario: Scenario = parseScenario(JSON.parse(readFileSync(file, 'utf8')));
  const seedsArg = argValue(args, '--seeds');
  if (seedsArg) scenario = { ...scenario, seeds: seedsArg.split(',').map((s) => Number(s.trim())) };
  const only = argValue(args, '--only');
  let policies: ScenarioPolicy[] = scenario.policies;
  if (only) policies = policies.filter((p) => JSON.stringify(policyLabel(p)).includes(only));

  if (args.includes('--tune')) {
    tunePolicies(scenario, policies, (line) => console.log(line));
    return;
  }

  const started = process.hrtime.bigint();
  const results: SimulationResult[] = [];
  for (const policy of policies) {
    for (const seed of scenario.seeds) {
      const t0 = process.hrtime.bigint();
      const r = simulate(scenario, policy, seed);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      results.push(r);
      if (args.includes('--verbose'))
        console.error(`${r.mode} ${r.policy} seed ${seed}: ${ms.toFixed(0)} ms`);
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    `scenario ${scenario.name}: ${typeof scenario.agents === 'number' ? `${scenario.agents} agents` : 'agent schedule'}, ${scenario.hours} h, seeds ${scenario.seeds.join(',')}, cap ${scenario.abandonCapPercent}% (${scenario.abandonRule}), ran in ${seconds.toFixed(1)} s`,
  );
  console.log(formatTable(results));
  console.log('');
  console.log(formatSummary(results, scenario.abandonCapPercent / 100));
  const out = argValue(args, '--json');
  if (out) {
    const fields = results.map((r) => ({
      mode: r.mode,
      policy: r.policy,
      seed: r.seed,
      occupancy: r.occupancy,
      talkMinutesPerAgentHour: r.talkMinutesPerAgentHour,
      abandonRate: r.abandonRate,
      worstWindowAbandonRate: r.worstWindowAbandonRate,
      answerToAgentP50Ms: r.answerToAgentP50Ms,
      answerToAgentP99Ms: r.answerToAgentP99Ms,
      contactsPerAgentHour: r.contactsPerAgentHour,
      dialsPerSecond: r.dialsPerSecond,
      extra: {
        dials: r.dials,
        liveAnswered: r.liveAnswered,
        abandoned: r.abandoned,
        usAbandonRate: r.usAbandonRate,
        ukAbandonRate: r.ukAbandonRate,
        worstHourAbandonRate: r.worstHourAbandonRate,
      },
    }));
    writeFileSync(out, `${JSON.stringify({ scenario: scenario.name, results: fields }, null, 2)}\n`);
    console.log(`wrote ${out}`);
  }
}

main();
