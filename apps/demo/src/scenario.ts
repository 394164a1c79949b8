/**
 * The simulated world of the demo (fs-sim's scenario; every duration in simulated ms, so
 * fs-sim's `--time-scale` shrinks them all alike): a consumer list reached on a weekday
 * evening. About 1 in 4 numbers answer with a person (outbound contact rates run 10-25 %
 * of attempts, and libs/pacing's reference scenario S1 is a warm list at 25 %; a
 * generated cold mobile list answered 4 times in 10 was at the top of what the best
 * lists reach), 1 in 10 with an answering machine, the rest are busy, ring out (most
 * people let an unknown number ring; the campaign gives up after 25 s), do not exist, or
 * fail in the network. People talk a minute or so (log-normal, median 60 s).
 */
export function demoScenario(extensions: readonly string[], seed: number) {
  return {
    name: 'AutoTelesale demo',
    seed,
    gateways: { gw1: { profile: 'external', state: 'up' } },
    playback: { defaultMs: 3_000 },
    customers: {
      progressMs: { uniform: [80, 400] },
      ringMs: { lognormal: { median: 8_000, sigma: 0.5 }, min: 2_000, max: 40_000 },
      earlyMedia: 0.3,
      talkMs: { lognormal: { median: 60_000, sigma: 0.6 }, min: 10_000, max: 600_000 },
      outcomes: [
        { kind: 'answer', weight: 0.25 },
        { kind: 'hangup-during-intro', weight: 0.02, hangupAfterMs: { uniform: [1_000, 4_000] } },
        { kind: 'machine', weight: 0.1, greetingMs: { uniform: [4_000, 12_000] }, talkMs: 8_000 },
        { kind: 'busy', weight: 0.1, ringMs: { uniform: [1_000, 4_000] } },
        { kind: 'no-answer', weight: 0.41 },
        { kind: 'invalid-number', weight: 0.05, ringMs: { uniform: [100, 600] } },
        { kind: 'network-failure', weight: 0.04, sipCode: 503, ringMs: { uniform: [50, 3_000] } },
        { kind: 'rejected', weight: 0.03, ringMs: { uniform: [1_000, 6_000] } },
      ],
    },
    agentDefaults: { registered: true, autoAnswer: true, answerDelayMs: 300 },
    agents: extensions.map((ext) => ({ ext })),
  };
}

/** The agents' softphone extensions: 3001, 3002, ... */
export function agentExtensions(count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(3001 + i));
}

/**
 * `count` distinct Vietnamese mobile numbers as an import CSV (`phone,name`), in the
 * national form a CRM export has (`09x xxx xxxx`); the campaign's region (VN) reads them.
 */
export function contactsCsv(count: number, seed: number): string {
  const lines = ['phone,name'];
  // A stride coprime with 10^7 walks every 7-digit suffix once: distinct numbers, scattered.
  const stride = 7_654_321;
  for (let i = 0; i < count; i++) {
    const suffix = String((seed * 1_000_003 + i * stride) % 10_000_000).padStart(7, '0');
    lines.push(`096${suffix},Customer ${i + 1}`);
  }
  return `${lines.join('\n')}\n`;
}
