import { startFsSim, type FsSimHandle, type FsSimOptions, type ScenarioSpec } from '../src/index';

export const PASSWORD = 'S3cret!';

/**
 * Numbers with exact behaviours, so every test knows what the far end will do.
 * Durations are simulated ms; tests run at time scale 0.01 (100x faster).
 */
export const NUMBERS = {
  answersShort: '15550000001',
  answersAndStays: '15550000002',
  pressesThree: '15550000003',
  slowAnswer: '15550000004',
  earlyMedia: '15550000183',
  busy: '15550000486',
  invalid: '15550000404',
  noAnswer: '15550000000',
  machine: '15550000777',
};

export const TEST_SCENARIO: ScenarioSpec = {
  gateways: { gw1: {}, gwdown: { state: 'down' } },
  playback: { defaultMs: 1000 },
  overrides: [
    {
      number: NUMBERS.answersShort,
      behaviour: { kind: 'answer', progressMs: 100, ringMs: 1000, talkMs: 2000 },
    },
    {
      number: NUMBERS.answersAndStays,
      behaviour: { kind: 'answer', progressMs: 100, ringMs: 500, talkMs: 3_600_000 },
    },
    {
      number: NUMBERS.pressesThree,
      behaviour: {
        kind: 'answer',
        progressMs: 100,
        ringMs: 500,
        talkMs: 3_600_000,
        digits: '3',
        digitDelayMs: 500,
      },
    },
    {
      number: NUMBERS.slowAnswer,
      behaviour: { kind: 'answer', progressMs: 100, ringMs: 40_000, talkMs: 3_600_000 },
    },
    {
      number: NUMBERS.earlyMedia,
      behaviour: { kind: 'answer', progressMs: 100, ringMs: 20_000, earlyMedia: true, talkMs: 3_600_000 },
    },
    { number: NUMBERS.busy, behaviour: { kind: 'busy', progressMs: 100, ringMs: 1000 } },
    { number: NUMBERS.invalid, behaviour: { kind: 'invalid-number', ringMs: 200 } },
    { number: NUMBERS.noAnswer, behaviour: { kind: 'no-answer', progressMs: 100 } },
    {
      number: NUMBERS.machine,
      behaviour: { kind: 'machine', progressMs: 100, ringMs: 500, greetingMs: 3000, talkMs: 3_600_000 },
    },
  ],
  agents: [
    { ext: '1001', registered: true, autoAnswer: true, answerDelayMs: 200 },
    { ext: '1002', registered: true, autoAnswer: false },
    { ext: '1003', registered: false },
  ],
};

export function startTestSim(extra: FsSimOptions = {}): Promise<FsSimHandle> {
  return startFsSim({
    port: 0,
    password: PASSWORD,
    timeScale: 0.01,
    jitterMs: 0,
    sps: 1000,
    heartbeatMs: 0,
    scenario: TEST_SCENARIO,
    ...extra,
  });
}

export const gw = (number: string) => `sofia/gateway/gw1/${number}`;
