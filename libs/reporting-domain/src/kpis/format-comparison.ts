import type { CompareManualReply } from '@autotelesale/contracts';

/**
 * The demo's KPI table: the campaign's figures beside manual dialing of the same list,
 * one line per KPI, aligned for a terminal. The reply itself is the demo's `--json` file.
 */
export function formatManualComparison(reply: CompareManualReply): string {
  const c = reply.campaign;
  const m = reply.manual;
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const num = (x: number) => x.toFixed(1);
  const rows: Array<[string, string, string]> = [
    ['dials', String(c.dials), ''],
    ['live answers', String(c.liveAnswers), ''],
    ['connects', String(c.connects), ''],
    ['abandons', String(c.abandons), ''],
    ['abandon rate', pct(c.abandonRate), ''],
    ['occupancy', pct(c.occupancy), ''],
    ['talk minutes per agent-hour', num(c.talkMinutesPerAgentHour), num(m.talkMinutesPerAgentHour)],
    ['contacts per agent-hour', num(c.contactsPerAgentHour), num(m.contactsPerAgentHour)],
  ];
  const ratio = m.talkMinutesPerAgentHour > 0 ? c.talkMinutesPerAgentHour / m.talkMinutesPerAgentHour : 0;
  const header: [string, string, string] = ['KPI', 'campaign', 'manual (same list)'];
  const widths = [0, 1, 2].map((i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)));
  const line = (r: [string, string, string]) =>
    `${r[0].padEnd(widths[0]!)}  ${r[1].padStart(widths[1]!)}  ${r[2].padStart(widths[2]!)}`.trimEnd();
  return [
    line(header),
    ...rows.map(line),
    `talk time per agent-hour: ${ratio > 0 ? `${ratio.toFixed(2)}x manual` : 'no manual baseline'}`,
  ].join('\n');
}
