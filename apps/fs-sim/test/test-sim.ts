import { startFsSim, type FsSimHandle, type FsSimOptions, type ScenarioSpec } from '../src/index';
import { RawEslClient } from './raw-esl-client';

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
  /** A person answering-machine detection takes for a machine (a false positive). */
  personTakenForMachine: '15550000778',
  /** A machine whose beep detection misses (a false negative). */
  machineBeepMissed: '15550000779',
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
    {
      number: NUMBERS.personTakenForMachine,
      behaviour: { kind: 'answer', progressMs: 100, ringMs: 500, talkMs: 3_600_000, amdFalsePositive: true },
    },
    {
      number: NUMBERS.machineBeepMissed,
      behaviour: {
        kind: 'machine',
        progressMs: 100,
        ringMs: 500,
        greetingMs: 3000,
        talkMs: 3_600_000,
        amdFalseNegative: true,
      },
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

/** One simulator for a describe block, and raw clients that are closed after each test. */
export interface TestSimContext {
  /** The running simulator (set in beforeAll). */
  readonly sim: FsSimHandle;
  /** ESL port of a node. */
  port(node?: number): number;
  /** A connected client that has read nothing yet (auth/request is its first message). */
  connect(node?: number): Promise<RawEslClient>;
  /** An authenticated client. */
  client(node?: number): Promise<RawEslClient>;
  /** Closes this client after the test too. */
  track(c: RawEslClient): RawEslClient;
}

/**
 * Registers beforeAll/afterEach/afterAll in the calling describe block: the simulator
 * starts once with `extra` over the test defaults (a function is called in beforeAll, after
 * the hooks registered before it), clients close after every test.
 */
export function useTestSim(extra: FsSimOptions | (() => FsSimOptions) = {}): TestSimContext {
  let sim: FsSimHandle | undefined;
  const clients: RawEslClient[] = [];
  const running = () => {
    if (!sim) throw new Error('useTestSim: the simulator is not started yet (use it inside a test)');
    return sim;
  };
  const ctx: TestSimContext = {
    get sim() {
      return running();
    },
    port: (node = 0) => running().nodes[node]!.port,
    connect: async (node = 0) => ctx.track(await RawEslClient.connect(ctx.port(node))),
    client: async (node = 0) => ctx.track(await RawEslClient.authed(ctx.port(node), PASSWORD)),
    track: (c) => {
      clients.push(c);
      return c;
    },
  };
  beforeAll(async () => {
    sim = await startTestSim(typeof extra === 'function' ? extra() : extra);
  });
  afterEach(() => {
    while (clients.length) clients.pop()!.close();
  });
  afterAll(() => sim?.stop());
  return ctx;
}
