import type { SimulationResult } from '../src/index';

const pct = (x: number, digits = 1): string => `${(x * 100).toFixed(digits)}%`;

function pad(cells: string[][]): string {
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells
    .map((row) => row.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '))
    .join('\n');
}

export function formatTable(results: readonly SimulationResult[]): string {
  const rows = [
    [
      'mode',
      'policy',
      'seed',
      'occupancy',
      'talk min/agent-h',
      'abandon',
      'worst window',
      'worst hour',
      'p50 ms',
      'p99 ms',
      'contacts/agent-h',
      'dials/s',
    ],
  ];
  for (const r of results) {
    rows.push([
      r.mode,
      r.policy,
      String(r.seed),
      pct(r.occupancy),
      r.talkMinutesPerAgentHour.toFixed(1),
      pct(r.abandonRate, 2),
      pct(r.worstWindowAbandonRate, 2),
      pct(r.worstHourAbandonRate, 2),
      r.answerToAgentP50Ms.toFixed(0),
      r.answerToAgentP99Ms.toFixed(0),
      r.contactsPerAgentHour.toFixed(1),
      r.dialsPerSecond.toFixed(3),
    ]);
  }
  return pad(rows);
}

/** One line per policy: mean over seeds, and the worst seed for abandon and p99. */
export function formatSummary(results: readonly SimulationResult[], capRate: number): string {
  const groups = new Map<string, SimulationResult[]>();
  for (const r of results) {
    const key = `${r.mode}\u0000${r.policy}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const rows = [
    [
      'mode',
      'policy',
      'seeds',
      'occupancy mean (min)',
      'talk min/agent-h',
      'max abandon',
      'max worst window',
      'max p99 ms',
      'cap held',
    ],
  ];
  for (const list of groups.values()) {
    const mean = (f: (r: SimulationResult) => number): number =>
      list.reduce((s, r) => s + f(r), 0) / list.length;
    const max = (f: (r: SimulationResult) => number): number => Math.max(...list.map(f));
    const min = (f: (r: SimulationResult) => number): number => Math.min(...list.map(f));
    const held = list.every(
      (r) => r.abandonRate <= capRate + 1e-12 && r.worstWindowAbandonRate <= capRate + 1e-12,
    );
    rows.push([
      list[0]!.mode,
      list[0]!.policy,
      String(list.length),
      `${pct(mean((r) => r.occupancy))} (${pct(min((r) => r.occupancy))})`,
      mean((r) => r.talkMinutesPerAgentHour).toFixed(1),
      pct(
        max((r) => r.abandonRate),
        2,
      ),
      pct(
        max((r) => r.worstWindowAbandonRate),
        2,
      ),
      max((r) => r.answerToAgentP99Ms).toFixed(0),
      held ? 'yes' : 'NO',
    ]);
  }
  return pad(rows);
}
