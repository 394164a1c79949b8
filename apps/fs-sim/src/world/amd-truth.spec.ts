import { AmdTruth } from './amd-truth';

describe('AmdTruth', () => {
  const at = new Date('2026-11-23T18:00:00Z');
  const start = (truth: AmdTruth, uuid: string, who: 'person' | 'machine') =>
    truth.started({ uuid, node: 'fs-sim-1', number: `44${uuid}`, truth: who }, at);

  it('counts people taken for machines, missed beeps, and false positives bridged anyway', () => {
    const truth = new AmdTruth();
    start(truth, 'p1', 'person');
    start(truth, 'p2', 'person');
    start(truth, 'p3', 'person');
    start(truth, 'm1', 'machine');
    start(truth, 'm2', 'machine');
    truth.detectedMachine('p1'); // false positive, hung up on
    truth.detectedMachine('p2'); // false positive ...
    truth.bridged('p2'); // ... passed to an agent anyway
    truth.bridged('p3'); // a person, rightly bridged
    truth.detectedMachine('m1');
    truth.missedBeep('m2');
    expect(truth.summary()).toEqual({
      calls: 5,
      persons: 3,
      machines: 2,
      detectedMachines: 3,
      falsePositives: 2,
      falseNegatives: 1,
      falsePositivesBridged: 1,
      falsePositiveRate: 2 / 3,
      falsePositiveShareOfVerdicts: 2 / 3,
    });
    expect(truth.list().find((c) => c.uuid === 'p1')).toEqual({
      uuid: 'p1',
      node: 'fs-sim-1',
      number: '44p1',
      truth: 'person',
      detectedMachine: true,
      falsePositive: true,
      falseNegative: false,
      bridged: false,
      startedAt: at.toISOString(),
    });
  });

  it('counts each call once, whatever is repeated or unknown', () => {
    const truth = new AmdTruth();
    start(truth, 'p1', 'person');
    start(truth, 'p1', 'person'); // avmd restarted on the same call
    truth.bridged('p1');
    truth.detectedMachine('p1');
    truth.detectedMachine('p1');
    truth.bridged('p1');
    truth.missedBeep('p1'); // a person has no beep to miss
    truth.detectedMachine('unknown');
    expect(truth.summary()).toMatchObject({
      calls: 1,
      detectedMachines: 1,
      falsePositives: 1,
      falsePositivesBridged: 1,
      falseNegatives: 0,
    });
  });

  it('answers 0 for its rates before any call', () => {
    expect(new AmdTruth().summary()).toMatchObject({ falsePositiveRate: 0, falsePositiveShareOfVerdicts: 0 });
  });
});
